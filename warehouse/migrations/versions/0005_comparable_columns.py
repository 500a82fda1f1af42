"""Comparable across templates and years, and documented.

- ``fact_project_year.annual_budget_yuan``: the fiscal year's budget whatever the template
  (项目当年预算; 年度资金总额 where only that is printed). Existing rows are filled by the
  rule the shipped profiles state at this revision: the current-year budget, else, for the
  national layout, its total (年度资金总额).
- ``dim_indicator.level1_std`` / ``level2_std``: the canonical classes of the printed
  headings (``extractors/profiles/classes/levels.toml``), filled for existing rows.
- Both contract views gain ``project_key``, ``unit_key`` and ``layout`` (and
  ``annual_budget_yuan`` / ``indicator_key``, ``level1_std``, ``level2_std``), so years are
  joined on keys, not on name text; ``v_budget_reconciliation`` compares the prior-year
  figures a form states with the previous year's form of the same project.
- PostgreSQL: a COMMENT on every table, view and column (``warehouse/catalog.toml``).

The view SQL is frozen here, as released with this revision.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

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
       fact_project_year.measures, fact_project_year.implementation_plan,
       fact_project_year.annual_budget_yuan, fact_project_year.project_key,
       fact_project_year.unit_key, fact_project_year.layout{extra}
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
       fact_indicator_target.explanation, fact_indicator_target.extra,
       fact_project_year.project_key, fact_project_year.unit_key, fact_project_year.layout,
       fact_indicator_target.indicator_key, dim_indicator.level1_std,
       dim_indicator.level2_std{extra}
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
_RECONCILIATION = """
SELECT cur.year_key AS year, prev.year_key AS prior_year, cur.unit_key, dim_unit.unit_name,
       cur.project_key, dim_project.project_name,
       cur.prior_year_budget_yuan AS stated_prior_year_budget_yuan,
       prev.annual_budget_yuan AS prior_form_annual_budget_yuan,
       cur.prior_year_budget_yuan - prev.annual_budget_yuan AS budget_difference_yuan,
       cur.prior_year_executed_yuan AS stated_prior_year_executed_yuan,
       cur.prior_year_executed_yuan - prev.annual_budget_yuan AS execution_difference_yuan,
       cur_doc.uri AS source_uri, prev_doc.uri AS prior_source_uri
FROM fact_project_year AS cur
JOIN fact_project_year AS prev
  ON prev.project_key = cur.project_key AND prev.year_key = cur.year_key - 1
 AND prev.is_current
JOIN dim_unit ON dim_unit.unit_key = cur.unit_key
JOIN dim_project ON dim_project.project_key = cur.project_key
JOIN dim_source_document AS cur_doc
  ON cur_doc.source_document_key = cur.source_document_key
JOIN dim_source_document AS prev_doc
  ON prev_doc.source_document_key = prev.source_document_key
WHERE cur.is_current
  AND (cur.prior_year_budget_yuan IS NOT NULL OR cur.prior_year_executed_yuan IS NOT NULL)"""
VIEWS = {
    "v_project_year": _PROJECT_YEAR.format(**_CURRENT),
    "v_indicator_target": _INDICATOR_TARGET.format(**_CURRENT),
    "v_project_year_history": _PROJECT_YEAR.format(**_HISTORY),
    "v_indicator_target_history": _INDICATOR_TARGET.format(**_HISTORY),
    "v_budget_reconciliation": _RECONCILIATION,
}


def _drop_views() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")


def upgrade() -> None:
    from warehouse.catalog import apply_comments
    from warehouse.level_classes import refresh_level_classes

    _drop_views()
    with op.batch_alter_table("fact_project_year") as batch:
        batch.add_column(sa.Column("annual_budget_yuan", sa.Numeric(18, 2), nullable=True))
    with op.batch_alter_table("dim_indicator") as batch:
        batch.add_column(sa.Column("level1_std", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("level2_std", sa.String(length=40), nullable=True))
    op.execute("UPDATE fact_project_year SET annual_budget_yuan = COALESCE("
               "current_year_budget_yuan, CASE WHEN layout = 'national' "
               "THEN total_budget_yuan END)")
    conn = op.get_bind()
    refresh_level_classes(conn)
    for name, sql in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {sql}")
    apply_comments(conn)


def downgrade() -> None:
    from importlib import import_module

    previous = import_module("warehouse.migrations.versions.0003_contract_v2_columns").VIEWS
    _drop_views()
    with op.batch_alter_table("dim_indicator") as batch:
        batch.drop_column("level2_std")
        batch.drop_column("level1_std")
    with op.batch_alter_table("fact_project_year") as batch:
        batch.drop_column("annual_budget_yuan")
    for name, sql in previous.items():
        op.execute(f"CREATE VIEW {name} AS {sql}")
