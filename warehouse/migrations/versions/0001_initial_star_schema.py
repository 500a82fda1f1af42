"""Initial star schema: dimensions, facts, quarantine, load-run audit and the contract views.

The view SQL is frozen here, as it was when this revision was released: a later change to a
view gets a migration of its own, so editing the code never changes what an old revision
built.

Revision ID: 0001
Revises:
Create Date: 2026-11-26 13:11:19.915782
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

VIEWS = {
    "v_project_year": """
SELECT dim_year.year, dim_unit.unit_name, fact_project_year.supervising_dept,
       dim_project.project_name, fact_project_year.project_category,
       fact_project_year.performance_type, fact_project_year.planned_start,
       fact_project_year.planned_end, fact_project_year.includes_gov_procurement,
       fact_project_year.total_budget_yuan, fact_project_year.current_year_budget_yuan,
       fact_project_year.prior_year_budget_yuan, fact_project_year.prior_year_executed_yuan,
       fact_project_year.fiscal_appropriation_yuan, fact_project_year.other_funds_yuan,
       fact_project_year.overview, fact_project_year.basis, fact_project_year.necessity,
       fact_project_year.overall_goal, dim_source_document.uri AS source_uri,
       dim_source_document.sha256 AS source_sha256
FROM fact_project_year
JOIN dim_year ON dim_year.year_key = fact_project_year.year_key
JOIN dim_unit ON dim_unit.unit_key = fact_project_year.unit_key
JOIN dim_project ON dim_project.project_key = fact_project_year.project_key
JOIN dim_source_document
  ON dim_source_document.source_document_key = fact_project_year.source_document_key""",
    "v_indicator_target": """
SELECT dim_year.year, dim_unit.unit_name, dim_project.project_name, dim_indicator.level1,
       dim_indicator.level2, dim_indicator.level3, fact_indicator_target.target_raw,
       fact_indicator_target.target_operator, fact_indicator_target.target_value,
       fact_indicator_target.target_value_high, fact_indicator_target.target_unit,
       fact_indicator_target.target_text, dim_source_document.uri AS source_uri,
       fact_indicator_target.source_page
FROM fact_indicator_target
JOIN fact_project_year
  ON fact_project_year.project_year_key = fact_indicator_target.project_year_key
JOIN dim_indicator ON dim_indicator.indicator_key = fact_indicator_target.indicator_key
JOIN dim_year ON dim_year.year_key = fact_project_year.year_key
JOIN dim_unit ON dim_unit.unit_key = fact_project_year.unit_key
JOIN dim_project ON dim_project.project_key = fact_project_year.project_key
JOIN dim_source_document
  ON dim_source_document.source_document_key = fact_project_year.source_document_key""",
}

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dim_indicator',
    sa.Column('indicator_key', sa.Integer(), nullable=False),
    sa.Column('natural_key', sa.Text(), nullable=False),
    sa.Column('layout', sa.String(length=20), nullable=False),
    sa.Column('level1', sa.Text(), nullable=False),
    sa.Column('level2', sa.Text(), nullable=False),
    sa.Column('level3', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('indicator_key', name=op.f('pk_dim_indicator')),
    sa.UniqueConstraint('natural_key', name=op.f('uq_dim_indicator_natural_key')),
    comment='Grain: one indicator (layout + its three levels).'
    )
    op.create_table('dim_unit',
    sa.Column('unit_key', sa.Integer(), nullable=False),
    sa.Column('natural_key', sa.Text(), nullable=False),
    sa.Column('unit_name', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('unit_key', name=op.f('pk_dim_unit')),
    sa.UniqueConstraint('natural_key', name=op.f('uq_dim_unit_natural_key')),
    comment='Grain: one budget unit (申报单位 / 实施单位).'
    )
    op.create_table('dim_year',
    sa.Column('year_key', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year_key', name=op.f('pk_dim_year')),
    sa.UniqueConstraint('year', name=op.f('uq_dim_year_year')),
    comment='Grain: one fiscal year; year_key is the year itself (a stable smart key).'
    )
    op.create_table('load_run',
    sa.Column('load_run_key', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('files_seen', sa.Integer(), server_default='0', nullable=False),
    sa.Column('files_loaded', sa.Integer(), server_default='0', nullable=False),
    sa.Column('files_unchanged', sa.Integer(), server_default='0', nullable=False),
    sa.Column('files_quarantined', sa.Integer(), server_default='0', nullable=False),
    sa.Column('project_rows', sa.Integer(), server_default='0', nullable=False),
    sa.Column('indicator_rows', sa.Integer(), server_default='0', nullable=False),
    sa.Column('quarantine_rows', sa.Integer(), server_default='0', nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('load_run_key', name=op.f('pk_load_run')),
    comment='Grain: one run of the ETL (audit).'
    )
    op.create_table('dim_project',
    sa.Column('project_key', sa.Integer(), nullable=False),
    sa.Column('natural_key', sa.Text(), nullable=False),
    sa.Column('unit_key', sa.Integer(), nullable=False),
    sa.Column('project_name', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['unit_key'], ['dim_unit.unit_key'], name=op.f('fk_dim_project_unit_key_dim_unit')),
    sa.PrimaryKeyConstraint('project_key', name=op.f('pk_dim_project')),
    sa.UniqueConstraint('natural_key', name=op.f('uq_dim_project_natural_key')),
    comment='Grain: one project of one unit (natural key: unit + project name).'
    )
    with op.batch_alter_table('dim_project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dim_project_unit_key'), ['unit_key'], unique=False)

    op.create_table('dim_source_document',
    sa.Column('source_document_key', sa.Integer(), nullable=False),
    sa.Column('uri', sa.Text(), nullable=False),
    sa.Column('file_name', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=True),
    sa.Column('text_style', sa.String(length=30), nullable=True),
    sa.Column('encoding', sa.String(length=30), nullable=True),
    sa.Column('layout', sa.String(length=20), nullable=True),
    sa.Column('page_count', sa.Integer(), nullable=True),
    sa.Column('form_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('load_run_key', sa.Integer(), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['load_run_key'], ['load_run.load_run_key'], name=op.f('fk_dim_source_document_load_run_key_load_run')),
    sa.PrimaryKeyConstraint('source_document_key', name=op.f('pk_dim_source_document')),
    sa.UniqueConstraint('uri', name=op.f('uq_dim_source_document_uri')),
    comment='Grain: one file, by the URI it was read from (natural key: uri).'
    )
    with op.batch_alter_table('dim_source_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dim_source_document_sha256'), ['sha256'], unique=False)

    op.create_table('quarantine',
    sa.Column('quarantine_key', sa.Integer(), nullable=False),
    sa.Column('load_run_key', sa.Integer(), nullable=False),
    sa.Column('source_uri', sa.Text(), nullable=False),
    sa.Column('source_sha256', sa.String(length=64), nullable=True),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('form_index', sa.Integer(), nullable=True),
    sa.Column('row_index', sa.Integer(), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.Column('column_name', sa.Text(), nullable=True),
    sa.Column('check_name', sa.Text(), nullable=True),
    sa.Column('failing_value', sa.Text(), nullable=True),
    sa.Column('quarantined_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['load_run_key'], ['load_run.load_run_key'], name=op.f('fk_quarantine_load_run_key_load_run')),
    sa.PrimaryKeyConstraint('quarantine_key', name=op.f('pk_quarantine')),
    comment='Grain: one thing not loaded (a file, a form or an indicator row), with its reason.'
    )
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quarantine_load_run_key'), ['load_run_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_quarantine_reason'), ['reason'], unique=False)
        batch_op.create_index(batch_op.f('ix_quarantine_source_uri'), ['source_uri'], unique=False)

    op.create_table('fact_project_year',
    sa.Column('project_year_key', sa.Integer(), nullable=False),
    sa.Column('project_key', sa.Integer(), nullable=False),
    sa.Column('year_key', sa.Integer(), nullable=False),
    sa.Column('unit_key', sa.Integer(), nullable=False),
    sa.Column('source_document_key', sa.Integer(), nullable=False),
    sa.Column('form_index', sa.Integer(), nullable=False),
    sa.Column('form_page', sa.Integer(), nullable=False),
    sa.Column('layout', sa.String(length=20), nullable=False),
    sa.Column('supervising_dept', sa.Text(), nullable=True),
    sa.Column('project_category', sa.Text(), nullable=True),
    sa.Column('performance_type', sa.Text(), nullable=True),
    sa.Column('planned_start', sa.Date(), nullable=True),
    sa.Column('planned_end', sa.Date(), nullable=True),
    sa.Column('includes_gov_procurement', sa.Boolean(), nullable=True),
    sa.Column('total_budget_yuan', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('current_year_budget_yuan', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('prior_year_budget_yuan', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('prior_year_executed_yuan', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('fiscal_appropriation_yuan', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('other_funds_yuan', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('overview', sa.Text(), nullable=True),
    sa.Column('basis', sa.Text(), nullable=True),
    sa.Column('necessity', sa.Text(), nullable=True),
    sa.Column('overall_goal', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['project_key'], ['dim_project.project_key'], name=op.f('fk_fact_project_year_project_key_dim_project')),
    sa.ForeignKeyConstraint(['source_document_key'], ['dim_source_document.source_document_key'], name=op.f('fk_fact_project_year_source_document_key_dim_source_document')),
    sa.ForeignKeyConstraint(['unit_key'], ['dim_unit.unit_key'], name=op.f('fk_fact_project_year_unit_key_dim_unit')),
    sa.ForeignKeyConstraint(['year_key'], ['dim_year.year_key'], name=op.f('fk_fact_project_year_year_key_dim_year')),
    sa.PrimaryKeyConstraint('project_year_key', name=op.f('pk_fact_project_year')),
    sa.UniqueConstraint('project_key', 'year_key', 'source_document_key', name='uq_fact_project_year_project_year_document'),
    comment='Grain: one project in one fiscal year as published in one file (a form printed in two files lands once per file; the same form twice in one file is caught earlier).'
    )
    with op.batch_alter_table('fact_project_year', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fact_project_year_source_document_key'), ['source_document_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_fact_project_year_unit_key'), ['unit_key'], unique=False)

    op.create_table('fact_indicator_target',
    sa.Column('indicator_target_key', sa.Integer(), nullable=False),
    sa.Column('project_year_key', sa.Integer(), nullable=False),
    sa.Column('indicator_key', sa.Integer(), nullable=False),
    sa.Column('row_index', sa.Integer(), nullable=False),
    sa.Column('target_raw', sa.Text(), nullable=False),
    sa.Column('target_operator', sa.String(length=10), nullable=True),
    sa.Column('target_value', sa.Numeric(precision=20, scale=6), nullable=True),
    sa.Column('target_value_high', sa.Numeric(precision=20, scale=6), nullable=True),
    sa.Column('target_unit', sa.Text(), nullable=True),
    sa.Column('target_text', sa.Text(), nullable=True),
    sa.Column('source_page', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['indicator_key'], ['dim_indicator.indicator_key'], name=op.f('fk_fact_indicator_target_indicator_key_dim_indicator')),
    sa.ForeignKeyConstraint(['project_year_key'], ['fact_project_year.project_year_key'], name=op.f('fk_fact_indicator_target_project_year_key_fact_project_year'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('indicator_target_key', name=op.f('pk_fact_indicator_target')),
    sa.UniqueConstraint('project_year_key', 'row_index', name='uq_fact_indicator_target_row'),
    comment='Grain: one indicator row of one project in one year (a row printed twice in a form stays two rows, ordered by row_index).'
    )
    with op.batch_alter_table('fact_indicator_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fact_indicator_target_indicator_key'), ['indicator_key'], unique=False)

    for name, sql in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {sql}")


def downgrade() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
    with op.batch_alter_table('fact_indicator_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fact_indicator_target_indicator_key'))

    op.drop_table('fact_indicator_target')
    with op.batch_alter_table('fact_project_year', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fact_project_year_unit_key'))
        batch_op.drop_index(batch_op.f('ix_fact_project_year_source_document_key'))

    op.drop_table('fact_project_year')
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quarantine_source_uri'))
        batch_op.drop_index(batch_op.f('ix_quarantine_reason'))
        batch_op.drop_index(batch_op.f('ix_quarantine_load_run_key'))

    op.drop_table('quarantine')
    with op.batch_alter_table('dim_source_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dim_source_document_sha256'))

    op.drop_table('dim_source_document')
    with op.batch_alter_table('dim_project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dim_project_unit_key'))

    op.drop_table('dim_project')
    op.drop_table('load_run')
    op.drop_table('dim_year')
    op.drop_table('dim_unit')
    op.drop_table('dim_indicator')
