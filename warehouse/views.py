"""The contract views ``v_project_year`` and ``v_indicator_target`` as Core selects.

Their names and columns are the warehouse contract (CONTRACT.md): BI tools and acceptance
read them, so a change here needs a migration and a note in the README.
"""

from __future__ import annotations

import sqlalchemy as sa

from warehouse.schema import (
    dim_indicator,
    dim_project,
    dim_source_document,
    dim_unit,
    dim_year,
    fact_indicator_target,
    fact_project_year,
)

V_PROJECT_YEAR = "v_project_year"
V_INDICATOR_TARGET = "v_indicator_target"


def project_year_select() -> sa.Select[tuple[object, ...]]:
    f = fact_project_year
    return (
        sa.select(
            dim_year.c.year,
            dim_unit.c.unit_name,
            f.c.supervising_dept,
            dim_project.c.project_name,
            f.c.project_category,
            f.c.performance_type,
            f.c.planned_start,
            f.c.planned_end,
            f.c.includes_gov_procurement,
            f.c.total_budget_yuan,
            f.c.current_year_budget_yuan,
            f.c.prior_year_budget_yuan,
            f.c.prior_year_executed_yuan,
            f.c.fiscal_appropriation_yuan,
            f.c.other_funds_yuan,
            f.c.overview,
            f.c.basis,
            f.c.necessity,
            f.c.overall_goal,
            dim_source_document.c.uri.label("source_uri"),
            dim_source_document.c.sha256.label("source_sha256"),
        )
        .select_from(f)
        .join(dim_year, dim_year.c.year_key == f.c.year_key)
        .join(dim_unit, dim_unit.c.unit_key == f.c.unit_key)
        .join(dim_project, dim_project.c.project_key == f.c.project_key)
        .join(dim_source_document,
              dim_source_document.c.source_document_key == f.c.source_document_key)
    )


def indicator_target_select() -> sa.Select[tuple[object, ...]]:
    t, f = fact_indicator_target, fact_project_year
    return (
        sa.select(
            dim_year.c.year,
            dim_unit.c.unit_name,
            dim_project.c.project_name,
            dim_indicator.c.level1,
            dim_indicator.c.level2,
            dim_indicator.c.level3,
            t.c.target_raw,
            t.c.target_operator,
            t.c.target_value,
            t.c.target_value_high,
            t.c.target_unit,
            t.c.target_text,
            dim_source_document.c.uri.label("source_uri"),
            t.c.source_page,
        )
        .select_from(t)
        .join(f, f.c.project_year_key == t.c.project_year_key)
        .join(dim_indicator, dim_indicator.c.indicator_key == t.c.indicator_key)
        .join(dim_year, dim_year.c.year_key == f.c.year_key)
        .join(dim_unit, dim_unit.c.unit_key == f.c.unit_key)
        .join(dim_project, dim_project.c.project_key == f.c.project_key)
        .join(dim_source_document,
              dim_source_document.c.source_document_key == f.c.source_document_key)
    )


VIEWS: dict[str, sa.Select[tuple[object, ...]]] = {
    V_PROJECT_YEAR: project_year_select(),
    V_INDICATOR_TARGET: indicator_target_select(),
}
