"""The star schema as SQLAlchemy Core tables (the Alembic migrations create exactly these).

What each table and column means (and each table's grain) is in ``catalog.toml``, put on
the metadata by :func:`warehouse.catalog.document` at the end of this module.

Every dimension has an integer surrogate ``<entity>_key`` and a unique ``natural_key`` (the
NFKC, whitespace-free spelling of what identifies it), so a re-run finds the same row
instead of adding one. Money is ``NUMERIC(18, 2)`` in yuan.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from warehouse.catalog import document

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)

Money = sa.Numeric(18, 2)
#: A JSON object: JSONB on PostgreSQL (queryable with ->>), JSON text on SQLite (json_extract).
JsonObject = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
Number = sa.Numeric(20, 6)
Timestamp = sa.DateTime(timezone=True)

load_run = sa.Table(
    "load_run", metadata,
    sa.Column("load_run_key", sa.Integer, primary_key=True),
    sa.Column("started_at", Timestamp, nullable=False),
    sa.Column("finished_at", Timestamp),
    # running / succeeded / failed / interrupted: a run whose process is gone is interrupted
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("files_seen", sa.Integer, nullable=False, server_default="0"),
    sa.Column("files_loaded", sa.Integer, nullable=False, server_default="0"),
    sa.Column("files_unchanged", sa.Integer, nullable=False, server_default="0"),
    sa.Column("files_quarantined", sa.Integer, nullable=False, server_default="0"),
    sa.Column("project_rows", sa.Integer, nullable=False, server_default="0"),
    sa.Column("indicator_rows", sa.Integer, nullable=False, server_default="0"),
    sa.Column("quarantine_rows", sa.Integer, nullable=False, server_default="0"),
    sa.Column("message", sa.Text),
    sa.Column("files_failed", sa.Integer, nullable=False, server_default="0"),
    sa.Column("files_gone", sa.Integer, nullable=False, server_default="0"),
    sa.Column("host", sa.String(255)),
    sa.Column("pid", sa.Integer),
)

dim_source_document = sa.Table(
    "dim_source_document", metadata,
    sa.Column("source_document_key", sa.Integer, primary_key=True),
    # where the document was last seen (a present location, see source_location)
    sa.Column("uri", sa.Text, nullable=False),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("size_bytes", sa.BigInteger, nullable=False),
    sa.Column("format", sa.String(10)),
    sa.Column("text_style", sa.String(30)),
    sa.Column("encoding", sa.String(30)),
    sa.Column("layout", sa.String(20)),
    sa.Column("page_count", sa.Integer),
    sa.Column("form_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("status", sa.String(20), nullable=False),  # loaded / partial / quarantined
    sa.Column("load_run_key", sa.Integer, sa.ForeignKey("load_run.load_run_key"),
              nullable=False),
    sa.Column("loaded_at", Timestamp, nullable=False),
)

source_location = sa.Table(
    "source_location", metadata,
    sa.Column("source_location_key", sa.Integer, primary_key=True),
    # sha256 of the URI: a unique index on the URI itself fails for long paths (PostgreSQL
    # btree rows are limited to ~2.7 kB)
    sa.Column("uri_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("uri", sa.Text, nullable=False),
    sa.Column("source_document_key", sa.Integer,
              sa.ForeignKey("dim_source_document.source_document_key", ondelete="SET NULL"),
              index=True),
    sa.Column("size_bytes", sa.BigInteger),
    sa.Column("mtime_ns", sa.BigInteger),  # with size: "unchanged" without reading the file
    # a remote file's ETag (its Last-Modified time is in mtime_ns); null for local files
    sa.Column("version_tag", sa.String(200)),
    sa.Column("is_present", sa.Boolean, nullable=False),
    sa.Column("first_seen_run_key", sa.Integer, sa.ForeignKey("load_run.load_run_key"),
              nullable=False),
    sa.Column("last_seen_run_key", sa.Integer, sa.ForeignKey("load_run.load_run_key"),
              nullable=False),
)

dim_unit = sa.Table(
    "dim_unit", metadata,
    sa.Column("unit_key", sa.Integer, primary_key=True),
    sa.Column("natural_key", sa.Text, nullable=False, unique=True),
    sa.Column("unit_name", sa.Text, nullable=False),
)

dim_project = sa.Table(
    "dim_project", metadata,
    sa.Column("project_key", sa.Integer, primary_key=True),
    sa.Column("natural_key", sa.Text, nullable=False, unique=True),
    sa.Column("unit_key", sa.Integer, sa.ForeignKey("dim_unit.unit_key"), nullable=False,
              index=True),
    sa.Column("project_name", sa.Text, nullable=False),
)

dim_year = sa.Table(
    "dim_year", metadata,
    sa.Column("year_key", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("year", sa.Integer, nullable=False, unique=True),
)

dim_indicator = sa.Table(
    "dim_indicator", metadata,
    sa.Column("indicator_key", sa.Integer, primary_key=True),
    sa.Column("natural_key", sa.Text, nullable=False, unique=True),
    sa.Column("layout", sa.String(20), nullable=False),
    sa.Column("level1", sa.Text, nullable=False),
    sa.Column("level2", sa.Text, nullable=False),
    sa.Column("level3", sa.Text, nullable=False),
    # canonical classes (migration 0005), from extractors/profiles/classes/levels.toml
    sa.Column("level1_std", sa.String(40)),
    sa.Column("level2_std", sa.String(40)),
)

fact_project_year = sa.Table(
    "fact_project_year", metadata,
    sa.Column("project_year_key", sa.Integer, primary_key=True),
    sa.Column("project_key", sa.Integer, sa.ForeignKey("dim_project.project_key"),
              nullable=False),
    sa.Column("year_key", sa.Integer, sa.ForeignKey("dim_year.year_key"), nullable=False),
    sa.Column("unit_key", sa.Integer, sa.ForeignKey("dim_unit.unit_key"), nullable=False,
              index=True),
    sa.Column("source_document_key", sa.Integer,
              sa.ForeignKey("dim_source_document.source_document_key"), nullable=False,
              index=True),
    sa.Column("form_index", sa.Integer, nullable=False),
    sa.Column("form_page", sa.Integer, nullable=False),
    sa.Column("layout", sa.String(20), nullable=False),
    sa.Column("supervising_dept", sa.Text),
    sa.Column("project_category", sa.Text),
    sa.Column("performance_type", sa.Text),
    sa.Column("planned_start", sa.Date),
    sa.Column("planned_end", sa.Date),
    sa.Column("includes_gov_procurement", sa.Boolean),
    sa.Column("total_budget_yuan", Money),
    sa.Column("current_year_budget_yuan", Money),
    sa.Column("prior_year_budget_yuan", Money),
    sa.Column("prior_year_executed_yuan", Money),
    sa.Column("fiscal_appropriation_yuan", Money),
    sa.Column("other_funds_yuan", Money),
    sa.Column("overview", sa.Text),
    sa.Column("basis", sa.Text),
    sa.Column("necessity", sa.Text),
    sa.Column("overall_goal", sa.Text),
    # the version the contract views show: the project-year's form from the document
    # loaded last; the others are superseded and stay in the history views
    sa.Column("is_current", sa.Boolean, nullable=False, server_default=sa.true()),
    # contract v2 (migration 0003)
    sa.Column("unit_code", sa.Text),
    sa.Column("supervising_dept_code", sa.Text),
    sa.Column("project_attribute", sa.Text),
    sa.Column("project_period", sa.Text),
    sa.Column("long_term_goal", sa.Text),
    sa.Column("mid_term_budget_yuan", Money),
    sa.Column("carryover_yuan", Money),
    sa.Column("measures", sa.Text),
    sa.Column("implementation_plan", sa.Text),
    sa.Column("extra_fields", JsonObject),
    # comparable across templates (migration 0005)
    sa.Column("annual_budget_yuan", Money),
    sa.UniqueConstraint("project_key", "year_key", "source_document_key",
                        name="uq_fact_project_year_project_year_document"),
    sa.Index("uq_fact_project_year_current", "project_key", "year_key", unique=True,
             sqlite_where=sa.text("is_current"), postgresql_where=sa.text("is_current")),
)

fact_indicator_target = sa.Table(
    "fact_indicator_target", metadata,
    sa.Column("indicator_target_key", sa.Integer, primary_key=True),
    sa.Column("project_year_key", sa.Integer,
              sa.ForeignKey("fact_project_year.project_year_key", ondelete="CASCADE"),
              nullable=False),
    sa.Column("indicator_key", sa.Integer, sa.ForeignKey("dim_indicator.indicator_key"),
              nullable=False, index=True),
    sa.Column("row_index", sa.Integer, nullable=False),
    sa.Column("target_raw", sa.Text, nullable=False),
    sa.Column("target_operator", sa.String(10)),
    sa.Column("target_value", Number),
    sa.Column("target_value_high", Number),
    sa.Column("target_unit", sa.Text),
    sa.Column("target_text", sa.Text),
    sa.Column("source_page", sa.Integer),
    # contract v2 (migration 0003)
    sa.Column("period", sa.String(10), nullable=False, server_default="annual"),
    sa.Column("weight", Number),
    sa.Column("remarks", sa.Text),
    sa.Column("explanation", sa.Text),
    sa.Column("extra", JsonObject),
    sa.UniqueConstraint("project_year_key", "row_index",
                        name="uq_fact_indicator_target_row"),
)

quarantine = sa.Table(
    "quarantine", metadata,
    sa.Column("quarantine_key", sa.Integer, primary_key=True),
    sa.Column("load_run_key", sa.Integer, sa.ForeignKey("load_run.load_run_key"),
              nullable=False, index=True),
    sa.Column("source_uri", sa.Text, nullable=False),
    sa.Column("source_sha256", sa.String(64)),
    # what the row belongs to: a document (bytes that were read), or only a location (a file
    # that could not be read); replaced whenever that document or location is read again
    sa.Column("source_document_key", sa.Integer,
              sa.ForeignKey("dim_source_document.source_document_key", ondelete="CASCADE"),
              index=True),
    sa.Column("source_location_key", sa.Integer,
              sa.ForeignKey("source_location.source_location_key", ondelete="CASCADE"),
              index=True),
    sa.Column("scope", sa.String(10), nullable=False),  # file / form / row
    sa.Column("stage", sa.String(20), nullable=False),
    sa.Column("reason", sa.String(40), nullable=False, index=True),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("year", sa.Integer),
    sa.Column("form_index", sa.Integer),
    sa.Column("row_index", sa.Integer),
    sa.Column("page", sa.Integer),
    sa.Column("column_name", sa.Text),
    sa.Column("check_name", sa.Text),
    sa.Column("failing_value", sa.Text),
    sa.Column("quarantined_at", Timestamp, nullable=False),
)

document(metadata)
