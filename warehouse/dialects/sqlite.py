"""SQLite: ``INSERT … ON CONFLICT DO NOTHING`` and batched ``executemany``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from warehouse.dialects import Row, insert_returning


class SQLiteWriter:
    name = "sqlite"

    def insert_missing(self, conn: sa.Connection, table: sa.Table, rows: Sequence[Row],
                       unique: str, key: str) -> dict[Any, int]:
        if not rows:
            return {}
        out = insert_returning(conn, sqlite.insert(table), table, rows, unique, key)
        wanted = list({r[unique] for r in rows} - set(out))
        for start in range(0, len(wanted), 500):  # SQLite's bound-parameter limit is 999+
            chunk = wanted[start:start + 500]
            out.update((u, int(k)) for u, k in conn.execute(
                sa.select(table.c[unique], table.c[key]).where(table.c[unique].in_(chunk))))
        return out

    def bulk_insert(self, conn: sa.Connection, table: sa.Table, columns: Sequence[str],
                    rows: Sequence[Sequence[Any]]) -> None:
        """One prepared statement, ``executemany`` on the driver (no SQLAlchemy per-row
        processing: values are already plain Python)."""
        if not rows:
            return
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
        json_columns = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, sa.JSON)]
        if json_columns:
            rows = [_json_cells(row, json_columns) for row in rows]
        conn.exec_driver_sql(sql, list(map(tuple, rows)))


def _json_cells(row: Sequence[Any], positions: Sequence[int]) -> tuple[Any, ...]:
    """JSON cells as text, written as the engine's own serializer writes them."""
    from warehouse.db import json_text

    out = list(row)
    for i in positions:
        value = out[i]
        if value is not None:
            out[i] = "{}" if value == {} else json_text(value)  # most rows print no extra
    return tuple(out)


SQLITE = SQLiteWriter()
