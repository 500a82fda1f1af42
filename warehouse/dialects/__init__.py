"""Dialect-specific SQL, one module per database (as dlt keeps one package per destination).

Everything that differs between SQLite and PostgreSQL when writing rows lives in
:mod:`warehouse.dialects.sqlite` and :mod:`warehouse.dialects.postgresql`, behind
:class:`Writer`: an insert that skips rows whose natural key exists, and a bulk insert of
fact rows (batched ``executemany`` on SQLite, ``COPY`` on PostgreSQL). Any other database is
refused with a message, never given another dialect's SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import sqlalchemy as sa

from extractors.errors import ConfigurationError

Row = dict[str, Any]


class Writer(Protocol):
    """How rows are written on one database."""

    name: str

    def insert_missing(self, conn: sa.Connection, table: sa.Table, rows: Sequence[Row],
                       unique: str, key: str) -> dict[Any, int]:
        """Insert the rows whose ``unique`` column is new (existing rows and their keys stay)
        and return the surrogate ``key`` of every row's ``unique`` value."""

    def bulk_insert(self, conn: sa.Connection, table: sa.Table, columns: Sequence[str],
                    rows: Sequence[Sequence[Any]]) -> None:
        """Insert ``rows`` (tuples in ``columns`` order) as fast as the database allows."""


def insert_returning(conn: sa.Connection, insert: Any, table: sa.Table, rows: Sequence[Row],
                     unique: str, key: str) -> dict[Any, int]:
    """``insert`` (an ``ON CONFLICT DO NOTHING`` construct of the dialect) with the new keys
    returned, batched by SQLAlchemy's insertmanyvalues; keys of rows that existed are left
    to the caller."""
    stmt = insert.on_conflict_do_nothing(index_elements=[unique]).returning(
        table.c[unique], table.c[key])
    return {u: int(k) for u, k in conn.execute(stmt, list(rows))}


def writer_for(conn: sa.Connection | sa.Engine) -> Writer:
    """The :class:`Writer` of the connection's database; :class:`ConfigurationError` for a
    database the warehouse does not support."""
    name = conn.dialect.name
    if name == "sqlite":
        from warehouse.dialects.sqlite import SQLITE

        return SQLITE
    if name == "postgresql":
        from warehouse.dialects.postgresql import POSTGRESQL

        return POSTGRESQL
    raise ConfigurationError(f"warehouse database {name!r} is not supported: the warehouse "
                             "is SQLite or PostgreSQL")
