"""What every table, view and column means, read from ``catalog.toml`` (the one source).

The same text becomes the comments of the SQLAlchemy metadata (:func:`document`), the
PostgreSQL ``COMMENT ON`` statements the migrations run (:func:`apply_comments`) and the
column tables of ``docs/warehouse.md`` (``python -m warehouse.catalog``), so the database,
the code and the documentation cannot disagree.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import sqlalchemy as sa

CATALOG_FILE = Path(__file__).resolve().parent / "catalog.toml"


@dataclass(frozen=True, slots=True)
class Relation:
    """A table or view: what it holds, its grain, its columns' meanings."""

    name: str
    kind: str  # table / view
    comment: str
    grain: str
    columns: Mapping[str, str]
    sources: tuple[str, ...] = ()  # a view: the tables its unlisted columns come from

    @property
    def full_comment(self) -> str:
        return f"{self.comment} Grain: {self.grain}."


@cache
def relations() -> dict[str, Relation]:
    """Every documented table and view, in catalog order."""
    data = tomllib.loads(CATALOG_FILE.read_text(encoding="utf-8"))
    out: dict[str, Relation] = {}
    for kind, section in (("table", "tables"), ("view", "views")):
        for name, spec in data[section].items():
            out[name] = Relation(name, kind, spec["comment"], spec["grain"],
                                 dict(spec.get("columns", {})), tuple(spec.get("from", ())))
    return out


def column_text(relation: str, column: str) -> str | None:
    """The meaning of ``relation.column``; a view column not listed under its view is that
    of the first of its source tables that has the column."""
    rel = relations()[relation]
    if column in rel.columns:
        return rel.columns[column]
    for source in rel.sources:
        text = relations()[source].columns.get(column)
        if text is not None:
            return text
    return None


def document(metadata: sa.MetaData) -> None:
    """Put the catalog's text on every table and column of ``metadata``; a table or column
    the catalog does not explain is an error at import, not an undocumented column."""
    missing = []
    for table in metadata.tables.values():
        rel = relations().get(table.name)
        if rel is None:
            missing.append(table.name)
            continue
        table.comment = rel.full_comment
        for column in table.columns:
            text = rel.columns.get(column.name)
            if text is None:
                missing.append(f"{table.name}.{column.name}")
            column.comment = text
    if missing:
        raise RuntimeError(f"{CATALOG_FILE}: no text for {', '.join(missing)}")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def comment_statements(conn: sa.Connection) -> Iterator[str]:
    """``COMMENT ON`` statements for every table, view and column the database has."""
    inspector = sa.inspect(conn)
    present = {**{t: "TABLE" for t in inspector.get_table_names()},
               **{v: "VIEW" for v in inspector.get_view_names()}}
    for name, rel in relations().items():
        if name not in present:
            continue
        yield f"COMMENT ON {present[name]} {name} IS {_quote(rel.full_comment)}"
        for col in inspector.get_columns(name):
            text = column_text(name, col["name"])
            if text is not None:
                yield f"COMMENT ON COLUMN {name}.{col['name']} IS {_quote(text)}"


def apply_comments(conn: sa.Connection) -> None:
    """Comment every relation and column on PostgreSQL (SQLite has no comments: its users
    read docs/warehouse.md)."""
    if conn.dialect.name != "postgresql":
        return
    for statement in list(comment_statements(conn)):
        conn.exec_driver_sql(statement.replace("%", "%%"))  # psycopg reads % as a placeholder


def markdown(view_columns: Mapping[str, list[str]]) -> str:
    """The column reference of docs/warehouse.md: every view (its columns in view order,
    from ``view_columns``) and table, with grain and meaning."""
    lines: list[str] = []
    for name, rel in relations().items():
        columns = view_columns.get(name, list(rel.columns))
        lines += [f"### `{name}` ({rel.kind})", "", rel.comment, "", f"Grain: {rel.grain}.", "",
                  "| column | meaning |", "|---|---|"]
        lines += [f"| {c} | {(column_text(name, c) or '').replace('|', '/')} |"
                  for c in columns]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    """Print the column reference for a warehouse at the newest schema (SQLite in memory)."""
    from warehouse.db import make_engine, upgrade

    engine = make_engine("sqlite://")
    upgrade(engine)
    inspector = sa.inspect(engine)
    views = {v: [c["name"] for c in inspector.get_columns(v)] for v in inspector.get_view_names()}
    sys.stdout.write(markdown(views))


if __name__ == "__main__":
    main()
