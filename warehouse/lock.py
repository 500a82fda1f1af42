"""One run at a time per warehouse: a PostgreSQL advisory lock, or a lock file beside SQLite.

Two runs over the same files would both decide "new" and race to load the same documents;
migrations on an empty database would race too. The lock is taken before migrations and
held until the run is closed; the operating system releases it when the process dies, so a
killed run never leaves the warehouse locked.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import sqlalchemy as sa

from extractors.errors import EtlError

#: The advisory lock's key: any fixed 64-bit number, the same for every targets-etl process.
ADVISORY_LOCK_KEY = 0x7461726765747301
#: How often a waiting run tries again.
POLL_S = 1.0


class WarehouseBusy(EtlError):
    """Another run holds the warehouse's run lock (exit code 2 unless ``--wait``)."""

    stage = "config"


def _holder(engine: sa.Engine) -> str:
    """Who holds the lock, from the audit table (best effort: the table may not exist yet)."""
    try:
        with engine.connect() as conn:
            row = conn.execute(sa.text(
                "SELECT load_run_key, host, pid, started_at FROM load_run"
                " WHERE status = 'running' ORDER BY load_run_key DESC LIMIT 1")).first()
    except sa.exc.SQLAlchemyError:
        return "another targets-etl process"
    if row is None:
        return "another targets-etl process (migrating)"
    return f"run {row.load_run_key} (pid {row.pid} on {row.host}, started {row.started_at})"


def _sqlite_path(engine: sa.Engine) -> Path | None:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _busy(engine: sa.Engine) -> WarehouseBusy:
    return WarehouseBusy(f"the warehouse is busy: {_holder(engine)} is loading it; "
                         "wait for it to finish, or pass --wait")


def _try_flock(handle: IO[str]) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextmanager
def _file_lock(engine: sa.Engine, path: Path, wait: bool) -> Iterator[None]:
    with open(path, "a+", encoding="utf-8") as handle:
        while not _try_flock(handle):
            if not wait:
                raise _busy(engine)
            time.sleep(POLL_S)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def run_lock(engine: sa.Engine, wait: bool = False) -> Iterator[None]:
    """Hold the warehouse's run lock for the body; raise ``WarehouseBusy`` when another run
    holds it, or wait for it with ``wait``."""
    if engine.dialect.name == "sqlite":
        path = _sqlite_path(engine)
        if path is None:  # in-memory: private to this process
            yield
            return
        lock_path = path.with_name(path.name + ".lock")
        with _file_lock(engine, lock_path, wait):
            yield
        return
    with engine.connect() as conn:
        while not conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"),
                               {"k": ADVISORY_LOCK_KEY}).scalar():
            conn.rollback()
            if not wait:
                raise _busy(engine)
            time.sleep(POLL_S)
        conn.commit()
        try:
            yield
        finally:
            try:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
                conn.commit()
            except sa.exc.SQLAlchemyError:
                pass  # the connection is gone, and the lock with it
