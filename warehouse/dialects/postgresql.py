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
                       unique: str, key: str) -> dict[Any, int]:
        """One ``INSERT … SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING RETURNING``: one
        parameter per column whatever the row count (a multi-row VALUES statement spent most
        of its time in the driver's parsing of thousands of placeholders)."""
        if not rows:
            return {}
        column = table.c[unique]
        values = sa.bindparam("wanted", list({r[unique] for r in rows}),
                              type_=postgresql.ARRAY(column.type))
        out = {u: int(k) for u, k in conn.execute(  # mostly known after a first year
            sa.select(column, table.c[key]).where(column == sa.any_(values)))}
        missing = [r for r in rows if r[unique] not in out]
        if missing:
            columns = list(missing[0])
            arrays = tuple([r[c] for r in missing] for c in columns)
            casts = ", ".join(f"%s::{table.c[c].type.compile(dialect=conn.dialect)}[]"
                              for c in columns)
            sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT * FROM "
                   f"unnest({casts}) ON CONFLICT ({unique}) DO NOTHING RETURNING {unique}, {key}")
            out.update((u, int(k)) for u, k in conn.exec_driver_sql(sql, arrays))
            if len(out) < len({r[unique] for r in rows}):  # a concurrent run inserted some
                out.update((u, int(k)) for u, k in conn.execute(
                    sa.select(column, table.c[key]).where(column == sa.any_(values))))
        return out

    def bulk_insert(self, conn: sa.Connection, table: sa.Table, columns: Sequence[str],
                    rows: Sequence[Sequence[Any]]) -> None:
        """``COPY`` in the connection's transaction: whole loads ran at 1.6x the rows/s of
        SQLAlchemy's executemany here (tests/bench/load_speed.py)."""
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
