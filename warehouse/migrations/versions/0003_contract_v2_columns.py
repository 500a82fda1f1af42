"""Contract version 2: the wider family of layouts.

``fact_project_year`` gains the v2 header columns (codes printed with names, the ticked
project attribute, the project period, the long-term goal, mid-term budget and carry-over,
``extra_fields`` for every other printed label) and keeps the narrative sections that v1
extracted but never stored (``measures``, ``implementation_plan``). ``fact_indicator_target``
gains ``period`` (annual / long_term / mid_term, never null), ``weight``, ``remarks``,
``explanation`` and ``extra``. The four views are recreated with the new columns after the
v1 ones; existing rows and keys are kept (v1 rows are ``annual``).

The view SQL is frozen here, as released with this revision.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON: sa.types.TypeEngine[Any] = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
PROJECT_COLUMNS: list[tuple[str, sa.types.TypeEngine[Any]]] = [
    ("unit_code", sa.Text()), ("supervising_dept_code", sa.Text()),
    ("project_attribute", sa.Text()), ("project_period", sa.Text()),
    ("long_term_goal", sa.Text()), ("mid_term_budget_yuan", sa.Numeric(18, 2)),
    ("carryover_yuan", sa.Numeric(18, 2)), ("measures", sa.Text()),
    ("implementation_plan", sa.Text()), ("extra_fields", JSON),
]
TARGET_COLUMNS: list[tuple[str, sa.types.TypeEngine[Any]]] = [
    ("weight", sa.Numeric(20, 6)), ("remarks", sa.Text()), ("explanation", sa.Text()),
    ("extra", JSON),
]

_PROJECT_YEAR = """
SELECT dim_year.year, dim_unit.unit_name, fact_project_year.supervising_dept,
       dim_project.project_name, fact_project_year.project_category,
       fact_project_year.performance_type, fact_project_year.planned_start,
       fact_project_year.planned_end, fact_project_year.includes_gov_procurement,
       fact_project_year.total_budget_yuan, fact_project_year.current_year_budget_yuan,
       fact_project_year.prior_year_budget_yuan, fact_project_year.prior_year_executed_yuan,
       fact_project_year.fiscal_appropriation_yuan, fact_project_year.other_funds_yuan,
       fact_project_year.overview, fact_project_year.basis, fact_project_year.necessity,
       fact_project_year.overall_goal, dim_source_document.uri AS source_uri,
       dim_source_document.sha256 AS source_sha256,
       fact_project_year.unit_code, fact_project_year.supervising_dept_code,
       fact_project_year.project_attribute, fact_project_year.project_period,
       fact_project_year.long_term_goal, fact_project_year.mid_term_budget_yuan,
       fact_project_year.carryover_yuan, fact_project_year.extra_fields,
       fact_project_year.measures, fact_project_year.implementation_plan{extra}
FROM fact_project_year
JOIN dim_year ON dim_year.year_key = fact_project_year.year_key
JOIN dim_unit ON dim_unit.unit_key = fact_project_year.unit_key
JOIN dim_project ON dim_project.project_key = fact_project_year.project_key
JOIN dim_source_document
  ON dim_source_document.source_document_key = fact_project_year.source_document_key{where}"""
_INDICATOR_TARGET = """
SELECT dim_year.year, dim_unit.unit_name, dim_project.project_name, dim_indicator.level1,
       dim_indicator.level2, dim_indicator.level3, fact_indicator_target.target_raw,
       fact_indicator_target.target_operator, fact_indicator_target.target_value,
       fact_indicator_target.target_value_high, fact_indicator_target.target_unit,
       fact_indicator_target.target_text, dim_source_document.uri AS source_uri,
       fact_indicator_target.source_page, fact_indicator_target.period,
       fact_indicator_target.weight, fact_indicator_target.remarks,
       fact_indicator_target.explanation, fact_indicator_target.extra{extra}
FROM fact_indicator_target
JOIN fact_project_year
  ON fact_project_year.project_year_key = fact_indicator_target.project_year_key
JOIN dim_indicator ON dim_indicator.indicator_key = fact_indicator_target.indicator_key
JOIN dim_year ON dim_year.year_key = fact_project_year.year_key
JOIN dim_unit ON dim_unit.unit_key = fact_project_year.unit_key
JOIN dim_project ON dim_project.project_key = fact_project_year.project_key
JOIN dim_source_document
  ON dim_source_document.source_document_key = fact_project_year.source_document_key{where}"""
_CURRENT = {"extra": "", "where": "\nWHERE fact_project_year.is_current"}
_HISTORY = {"extra": ",\n       fact_project_year.is_current,"
                     " dim_source_document.loaded_at AS source_loaded_at", "where": ""}
VIEWS = {
    "v_project_year": _PROJECT_YEAR.format(**_CURRENT),
    "v_indicator_target": _INDICATOR_TARGET.format(**_CURRENT),
    "v_project_year_history": _PROJECT_YEAR.format(**_HISTORY),
    "v_indicator_target_history": _INDICATOR_TARGET.format(**_HISTORY),
}


def _drop_views() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")


def upgrade() -> None:
    _drop_views()
    with op.batch_alter_table("fact_project_year") as batch:
        for name, type_ in PROJECT_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    with op.batch_alter_table("fact_indicator_target") as batch:
        batch.add_column(sa.Column("period", sa.String(length=10), nullable=False,
                                   server_default="annual"))
        for name, type_ in TARGET_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    for name, sql in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {sql}")


def downgrade() -> None:
    from importlib import import_module

    previous = import_module("warehouse.migrations.versions.0002_content_identity").VIEWS
    _drop_views()
    with op.batch_alter_table("fact_indicator_target") as batch:
        for name, _ in reversed(TARGET_COLUMNS):
            batch.drop_column(name)
        batch.drop_column("period")
    with op.batch_alter_table("fact_project_year") as batch:
        for name, _ in reversed(PROJECT_COLUMNS):
            batch.drop_column(name)
    for name, sql in previous.items():
        op.execute(f"CREATE VIEW {name} AS {sql}")
