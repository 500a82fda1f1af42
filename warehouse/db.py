"""Engines and migrations: SQLite (embedded default) and PostgreSQL behave the same here.

Configuration is injected: callers pass a URL (from ``--db`` or ``WAREHOUSE_URL``, read by the
CLI, never at import time).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from extractors.errors import TransientError

DEFAULT_URL = "sqlite:///warehouse.db"


class WarehouseUnavailable(TransientError):
    """The database did not answer (connection refused, server restarting)."""

    stage = "load"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str = DEFAULT_URL) -> sa.Engine:
    """An engine for ``url``; SQLite gets foreign keys on and WAL."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = sa.create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "warehouse:migrations")
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Apply the Alembic migrations up to ``revision`` in one transaction."""
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: sa.Engine, revision: str) -> None:
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def ensure_schema(engine: sa.Engine) -> None:
    """Bring the warehouse to the newest schema (a new, empty database just works)."""
    try:
        current = current_revision(engine)
    except sa.exc.OperationalError as exc:
        raise WarehouseUnavailable(f"cannot reach the warehouse {engine.url!r}: {exc}") from exc
    if current != head_revision():
        upgrade(engine)
