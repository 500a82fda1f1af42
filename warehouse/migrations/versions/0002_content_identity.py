"""Documents identified by their bytes, locations apart, one current version per project-year.

- ``dim_source_document``'s natural key becomes ``sha256``; the URI is no longer unique (it is
  where the document was last seen). Copies of the same bytes that v1 loaded twice are merged
  into the first one: its facts stay, the copies' facts (duplicates) go.
- ``source_location`` records every path or URL a document was seen at, keyed by the hash of
  the URI (a unique index on long URIs fails on PostgreSQL).
- ``fact_project_year.is_current``: when two documents print the same project-year, the one
  loaded last is current; a partial unique index keeps exactly one current row.
- ``quarantine`` rows belong to a document or a location; ``load_run`` records its process.
- The contract views show current versions only; ``*_history`` views show every version.

The view SQL is frozen here, as released with this revision.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_PROJECT_YEAR_COLUMNS = """
SELECT dim_year.year, dim_unit.unit_name, fact_project_year.supervising_dept,
       dim_project.project_name, fact_project_year.project_category,
       fact_project_year.performance_type, fact_project_year.planned_start,
       fact_project_year.planned_end, fact_project_year.includes_gov_procurement,
       fact_project_year.total_budget_yuan, fact_project_year.current_year_budget_yuan,
       fact_project_year.prior_year_budget_yuan, fact_project_year.prior_year_executed_yuan,
       fact_project_year.fiscal_appropriation_yuan, fact_project_year.other_funds_yuan,
       fact_project_year.overview, fact_project_year.basis, fact_project_year.necessity,
       fact_project_year.overall_goal, dim_source_document.uri AS source_uri,
       dim_source_document.sha256 AS source_sha256"""
_PROJECT_YEAR_FROM = """
FROM fact_project_year
JOIN dim_year ON dim_year.year_key = fact_project_year.year_key
JOIN dim_unit ON dim_unit.unit_key = fact_project_year.unit_key
JOIN dim_project ON dim_project.project_key = fact_project_year.project_key
JOIN dim_source_document
  ON dim_source_document.source_document_key = fact_project_year.source_document_key"""
_INDICATOR_COLUMNS = """
SELECT dim_year.year, dim_unit.unit_name, dim_project.project_name, dim_indicator.level1,
       dim_indicator.level2, dim_indicator.level3, fact_indicator_target.target_raw,
       fact_indicator_target.target_operator, fact_indicator_target.target_value,
       fact_indicator_target.target_value_high, fact_indicator_target.target_unit,
       fact_indicator_target.target_text, dim_source_document.uri AS source_uri,
       fact_indicator_target.source_page"""
_INDICATOR_FROM = """
FROM fact_indicator_target
JOIN fact_project_year
  ON fact_project_year.project_year_key = fact_indicator_target.project_year_key
JOIN dim_indicator ON dim_indicator.indicator_key = fact_indicator_target.indicator_key
JOIN dim_year ON dim_year.year_key = fact_project_year.year_key
JOIN dim_unit ON dim_unit.unit_key = fact_project_year.unit_key
JOIN dim_project ON dim_project.project_key = fact_project_year.project_key
JOIN dim_source_document
  ON dim_source_document.source_document_key = fact_project_year.source_document_key"""
_HISTORY_EXTRA = """,
       fact_project_year.is_current, dim_source_document.loaded_at AS source_loaded_at"""

VIEWS = {
    "v_project_year": f"{_PROJECT_YEAR_COLUMNS}{_PROJECT_YEAR_FROM}\n"
                      "WHERE fact_project_year.is_current",
    "v_indicator_target": f"{_INDICATOR_COLUMNS}{_INDICATOR_FROM}\n"
                          "WHERE fact_project_year.is_current",
    "v_project_year_history": f"{_PROJECT_YEAR_COLUMNS}{_HISTORY_EXTRA}{_PROJECT_YEAR_FROM}",
    "v_indicator_target_history": f"{_INDICATOR_COLUMNS}{_HISTORY_EXTRA}{_INDICATOR_FROM}",
}
V1_VIEWS = ("v_project_year", "v_indicator_target")


COMMENTS = {
    "dim_source_document": (
        "Grain: one document, by its bytes (natural key: sha256); the same bytes at another "
        "path or URL are another source_location of the same document.",
        "Grain: one file, by the URI it was read from (natural key: uri)."),
    "fact_project_year": (
        "Grain: one project in one fiscal year as published in one document; exactly one row "
        "per project-year is current (is_current), the others are superseded versions.",
        "Grain: one project in one fiscal year as published in one file (a form printed in two "
        "files lands once per file; the same form twice in one file is caught earlier)."),
}


def _comment(new: bool) -> None:
    if op.get_bind().dialect.name == "sqlite":
        return  # SQLite keeps no comments
    for table, (v2, v1) in COMMENTS.items():
        op.create_table_comment(table, v2 if new else v1)


def _uri_key(uri: str) -> str:
    return hashlib.sha256(uri.encode("utf-8", "surrogateescape")).hexdigest()


def _merge_duplicate_documents(conn: sa.Connection) -> None:
    """v1 loaded the same bytes at two paths twice: keep the first document, drop the
    copies' facts and point their quarantine rows at the first."""
    dupes = conn.execute(sa.text(
        "SELECT d.source_document_key, k.keep FROM dim_source_document d JOIN ("
        " SELECT sha256, min(source_document_key) AS keep FROM dim_source_document"
        " GROUP BY sha256 HAVING count(*) > 1) k ON k.sha256 = d.sha256"
        " WHERE d.source_document_key <> k.keep")).all()
    for doc_key, keep in dupes:
        params = {"doc": doc_key, "keep": keep}
        conn.execute(sa.text(
            "DELETE FROM fact_indicator_target WHERE project_year_key IN ("
            " SELECT project_year_key FROM fact_project_year WHERE source_document_key = :doc)"),
            params)
        conn.execute(sa.text("DELETE FROM fact_project_year WHERE source_document_key = :doc"),
                     params)
        conn.execute(sa.text("UPDATE source_location SET source_document_key = :keep"
                             " WHERE source_document_key = :doc"), params)
        conn.execute(sa.text("UPDATE quarantine SET source_document_key = :keep"
                             " WHERE source_document_key = :doc"), params)
        conn.execute(sa.text("DELETE FROM dim_source_document WHERE source_document_key = :doc"),
                     params)


def upgrade() -> None:
    conn = op.get_bind()
    for name in V1_VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")

    with op.batch_alter_table("load_run") as batch:
        batch.add_column(sa.Column("files_failed", sa.Integer(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("files_gone", sa.Integer(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("host", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("pid", sa.Integer(), nullable=True))

    op.create_table(
        "source_location",
        sa.Column("source_location_key", sa.Integer(), nullable=False),
        sa.Column("uri_sha256", sa.String(length=64), nullable=False),
        sa.Column("uri", sa.Text(), nullable=False),
        sa.Column("source_document_key", sa.Integer(), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=True),
        sa.Column("is_present", sa.Boolean(), nullable=False),
        sa.Column("first_seen_run_key", sa.Integer(), nullable=False),
        sa.Column("last_seen_run_key", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_document_key"], ["dim_source_document.source_document_key"],
            name=op.f("fk_source_location_source_document_key_dim_source_document"),
            ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["first_seen_run_key"], ["load_run.load_run_key"],
            name=op.f("fk_source_location_first_seen_run_key_load_run")),
        sa.ForeignKeyConstraint(
            ["last_seen_run_key"], ["load_run.load_run_key"],
            name=op.f("fk_source_location_last_seen_run_key_load_run")),
        sa.PrimaryKeyConstraint("source_location_key", name=op.f("pk_source_location")),
        sa.UniqueConstraint("uri_sha256", name=op.f("uq_source_location_uri_sha256")),
        comment="Grain: one place (path or URL) a document was seen; source_document_key is "
        "null while the file there could not be read.",
    )
    op.create_index(op.f("ix_source_location_source_document_key"), "source_location",
                    ["source_document_key"], unique=False)
    docs = conn.execute(sa.text(
        "SELECT source_document_key, uri, size_bytes, load_run_key FROM dim_source_document"
        " ORDER BY source_document_key")).all()
    if docs:
        conn.execute(sa.text(
            "INSERT INTO source_location (uri_sha256, uri, source_document_key, size_bytes,"
            " mtime_ns, is_present, first_seen_run_key, last_seen_run_key)"
            " VALUES (:k, :uri, :doc, :size, NULL, :present, :run, :run)"),
            [{"k": _uri_key(d.uri), "uri": d.uri, "doc": d.source_document_key,
              "size": d.size_bytes, "present": True, "run": d.load_run_key} for d in docs])

    with op.batch_alter_table("quarantine") as batch:
        batch.drop_index("ix_quarantine_source_uri")
        batch.add_column(sa.Column("source_document_key", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("source_location_key", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_quarantine_source_document_key"),
                           ["source_document_key"], unique=False)
        batch.create_index(batch.f("ix_quarantine_source_location_key"),
                           ["source_location_key"], unique=False)
        batch.create_foreign_key(
            batch.f("fk_quarantine_source_document_key_dim_source_document"),
            "dim_source_document", ["source_document_key"], ["source_document_key"],
            ondelete="CASCADE")
        batch.create_foreign_key(
            batch.f("fk_quarantine_source_location_key_source_location"),
            "source_location", ["source_location_key"], ["source_location_key"],
            ondelete="CASCADE")
    conn.execute(sa.text(
        "UPDATE quarantine SET source_document_key = (SELECT d.source_document_key"
        " FROM dim_source_document d WHERE d.uri = quarantine.source_uri)"))

    _merge_duplicate_documents(conn)
    with op.batch_alter_table("dim_source_document") as batch:
        batch.drop_index("ix_dim_source_document_sha256")
        batch.drop_constraint("uq_dim_source_document_uri", type_="unique")
        batch.create_unique_constraint(batch.f("uq_dim_source_document_sha256"), ["sha256"])
        batch.alter_column("uri", existing_type=sa.Text(), existing_nullable=False)

    with op.batch_alter_table("fact_project_year") as batch:
        batch.add_column(sa.Column("is_current", sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
    # the document loaded last is current where v1 holds a project-year twice
    conn.execute(sa.text(
        "UPDATE fact_project_year SET is_current = (source_document_key = ("
        " SELECT max(f2.source_document_key) FROM fact_project_year f2"
        " WHERE f2.project_key = fact_project_year.project_key"
        " AND f2.year_key = fact_project_year.year_key))"))
    op.create_index("uq_fact_project_year_current", "fact_project_year",
                    ["project_key", "year_key"], unique=True,
                    sqlite_where=sa.text("is_current"), postgresql_where=sa.text("is_current"))

    _comment(new=True)
    for name, sql in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {sql}")


def downgrade() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
    conn = op.get_bind()
    _comment(new=False)
    op.drop_index("uq_fact_project_year_current", table_name="fact_project_year")
    # v1 has no superseded versions: keep the current ones
    conn.execute(sa.text(
        "DELETE FROM fact_indicator_target WHERE project_year_key IN ("
        " SELECT project_year_key FROM fact_project_year WHERE NOT is_current)"))
    conn.execute(sa.text("DELETE FROM fact_project_year WHERE NOT is_current"))
    with op.batch_alter_table("fact_project_year") as batch:
        batch.drop_column("is_current")
    with op.batch_alter_table("dim_source_document") as batch:
        batch.drop_constraint("uq_dim_source_document_sha256", type_="unique")
        batch.create_index("ix_dim_source_document_sha256", ["sha256"], unique=False)
        batch.create_unique_constraint("uq_dim_source_document_uri", ["uri"])
    with op.batch_alter_table("quarantine") as batch:
        batch.drop_constraint("fk_quarantine_source_location_key_source_location",
                              type_="foreignkey")
        batch.drop_constraint("fk_quarantine_source_document_key_dim_source_document",
                              type_="foreignkey")
        batch.drop_index("ix_quarantine_source_location_key")
        batch.drop_index("ix_quarantine_source_document_key")
        batch.drop_column("source_location_key")
        batch.drop_column("source_document_key")
        batch.create_index("ix_quarantine_source_uri", ["source_uri"], unique=False)
    op.drop_index(op.f("ix_source_location_source_document_key"), table_name="source_location")
    op.drop_table("source_location")
    with op.batch_alter_table("load_run") as batch:
        batch.drop_column("pid")
        batch.drop_column("host")
        batch.drop_column("files_gone")
        batch.drop_column("files_failed")
    for name in V1_VIEWS:
        op.execute(f"CREATE VIEW {name} AS {VIEWS[name].rsplit('WHERE', 1)[0]}")
