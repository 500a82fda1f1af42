"""PostgreSQL: ``INSERT … ON CONFLICT DO NOTHING`` and ``COPY … FROM STDIN`` (psycopg 3)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from warehouse.dialects import Row


class PostgreSQLWriter:
    name = "postgresql"

    def insert_missing(self, conn: sa.Connection, table: sa.Table, rows: Sequence[Row],
                       unique: str) -> None:
        if rows:
            conn.execute(postgresql.insert(table)
                         .on_conflict_do_nothing(index_elements=[unique]), list(rows))

    def bulk_insert(self, conn: sa.Connection, table: sa.Table, columns: Sequence[str],
                    rows: Sequence[Sequence[Any]]) -> None:
        """``COPY`` in the connection's transaction: measured ~5x the rows/s of batched
        ``insertmanyvalues`` (tests/bench/load_speed.py)."""
        if not rows:
            return
        import psycopg
        from psycopg.types.json import Jsonb

        json_columns = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, sa.JSON)]
        driver = conn.connection.driver_connection
        assert isinstance(driver, psycopg.Connection)
        sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        try:
            with driver.cursor() as cursor, cursor.copy(sql) as copy:
                for row in rows:
                    if json_columns:
                        row = list(row)
                        for i in json_columns:
                            if row[i] is not None:
                                row[i] = Jsonb(row[i])
                    copy.write_row(row)
        except psycopg.Error as exc:
            # COPY runs beside SQLAlchemy: say what it would have said, so that a lost
            # connection is invalidated and retried like any other statement's
            lost = driver.broken or driver.closed
            if lost:
                conn.invalidate()
            raise sa.exc.DBAPIError.instance(sql, None, exc, psycopg.Error,
                                             connection_invalidated=lost) from exc


POSTGRESQL = PostgreSQLWriter()
