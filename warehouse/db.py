"""Engines and migrations: SQLite (embedded default) and PostgreSQL behave the same here.

Configuration is injected: callers pass a URL (from ``--db`` or ``WAREHOUSE_URL``, read by the
CLI, never at import time). A URL that cannot work (unknown scheme, unsupported database,
missing driver, missing folder, a database that does not exist) is a one-line
:class:`ConfigurationError` at once, never a retry. No connection waits forever: PostgreSQL
gets a connect timeout, TCP keepalives, a server-side statement and lock timeout, and a
client-side deadline for an answer that cannot come any more (see :class:`WarehouseSettings`).
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import shlex
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from extractors.errors import ConfigurationError, TransientError
from warehouse.errors import classify, configuration_error, first_line
from warehouse.errors import safe_url as safe_url

DEFAULT_URL = "sqlite:///warehouse.db"
ACCEPTED_FORMS = "sqlite:///PATH or postgresql+psycopg://user@host/db"
POSTGRES_INSTALL = "pip install 'targets-etl[postgres]'"


class WarehouseUnavailable(TransientError):
    """The database did not answer (connection refused, server restarting)."""

    stage = "load"


@dataclass(frozen=True, slots=True)
class WarehouseSettings:
    """How long the warehouse connection may wait for anything; every wait is bounded."""

    # libpq waits forever for a host that accepts TCP but never answers; 10 s is ample on a
    # LAN or to a cloud database, and a wrong or dead host is reported in seconds (libpq's
    # minimum is 2 s: it reads 1 as 2).
    connect_timeout_s: int = 10
    # A peer that vanished (VM frozen, cable, a NAT that dropped the flow) is noticed after
    # idle + interval * count = 30 + 10 * 3 = 60 s instead of the kernel's ~2 h default.
    keepalives_idle_s: int = 30
    keepalives_interval_s: int = 10
    keepalives_count: int = 3
    # The server cancels a statement that runs longer: one file's load takes seconds and a
    # migration of a large warehouse well under a minute, so 10 min only stops a runaway.
    statement_timeout_s: float = 600.0
    # Waiting for another session's lock (a concurrent run, a DBA's ALTER) gives up after a
    # minute and is retried, instead of queueing for the whole statement timeout.
    lock_timeout_s: float = 60.0
    # Client side: an answer that has not come this long after the server should have
    # cancelled the statement cannot come (a frozen proxy or peer that still ACKs TCP, which
    # keepalives do not notice): the connection is closed and the load retried.
    answer_grace_s: float = 60.0
    # SQLite: how long a writer waits for another one (a second run, a backup) to commit
    # before "database is locked", which is then retried as a whole transaction.
    busy_timeout_s: float = 30.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            whole = f.type in (int, "int")
            if isinstance(value, bool) or not isinstance(value, int if whole else int | float):
                kind = "a whole number" if whole else "a number"
                raise ValueError(f"{f.name} must be {kind} of seconds, got {value!r}")
        if self.connect_timeout_s < 2:
            raise ValueError(f"connect_timeout_s must be >= 2 (libpq waits at least 2 s; 0 "
                             f"would wait forever), got {self.connect_timeout_s}")
        for name in ("keepalives_idle_s", "keepalives_interval_s", "keepalives_count",
                     "statement_timeout_s", "lock_timeout_s", "answer_grace_s"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)}")
        if self.busy_timeout_s < 0:
            raise ValueError(f"busy_timeout_s must be >= 0, got {self.busy_timeout_s}")

    @property
    def dead_peer_s(self) -> int:
        """Seconds after which keepalives give a silent peer up."""
        return self.keepalives_idle_s + self.keepalives_interval_s * self.keepalives_count

    @property
    def answer_deadline_s(self) -> float:
        """Seconds a statement may wait for its answer before its connection is closed."""
        return self.statement_timeout_s + self.answer_grace_s


DEFAULT_SETTINGS = WarehouseSettings()


# --- the URL ------------------------------------------------------------------------------


def _not_a_url(url: str) -> str:
    hint = ""
    if url.strip() and "://" not in url and url.endswith((".db", ".sqlite", ".sqlite3")):
        hint = f" (for that file: sqlite:///{url})"
    return f"not a warehouse URL: {safe_url(url)!r}: use {ACCEPTED_FORMS}{hint}"


def _scheme_error(url: sa.URL) -> str:
    """The message for a URL whose scheme this project does not take (it never connects)."""
    scheme, shown = url.drivername, safe_url(url)
    backend, _, driver = scheme.partition("+")
    if backend == "postgresql":
        return (f"unsupported PostgreSQL driver '{driver}' in {shown}: use "
                "postgresql+psycopg://user@host/db (psycopg 3)")
    if backend == "sqlite":
        return f"unsupported SQLite driver '{driver}' in {shown}: use sqlite:///PATH"
    try:
        url.get_dialect()
    except (sa.exc.NoSuchModuleError, ImportError):
        close = difflib.get_close_matches(scheme, ["sqlite", "postgresql", "postgresql+psycopg"],
                                          n=1, cutoff=0.6)
        guess = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown warehouse URL scheme '{scheme}' in {shown}: use {ACCEPTED_FORMS}{guess}"
    return (f"warehouse database '{backend}' is not supported ({shown}): the warehouse is "
            f"SQLite or PostgreSQL: use {ACCEPTED_FORMS}")


def parse_url(url: str) -> sa.URL:
    """``url`` parsed and normalised (``postgresql://`` means psycopg 3), or a one-line
    :class:`ConfigurationError` naming what is wrong and the accepted forms."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise ConfigurationError(_not_a_url(url)) from None
    except ValueError:  # the only value SQLAlchemy converts is the port
        raise ConfigurationError(f"bad port in the warehouse URL {safe_url(url)!r}: it must "
                                 f"be a number: use {ACCEPTED_FORMS}") from None
    if parsed.drivername in ("postgresql", "postgresql+psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        return parsed
    raise ConfigurationError(_scheme_error(parsed))


def _check_sqlite_path(url: sa.URL) -> None:
    """SQLite creates a missing file but not a missing folder (it says only "unable to open
    database file", on first use): say which folder, before anything runs."""
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:") or "uri" in url.query:
        return
    path = Path(database)
    if path.is_dir():
        raise ConfigurationError(f"the SQLite warehouse path {database!r} is a folder, not a "
                                 f"file ({safe_url(url)}): use {ACCEPTED_FORMS}")
    folder = path.parent.absolute()
    if not folder.is_dir():
        raise ConfigurationError(
            f"the folder of the SQLite warehouse does not exist: {folder} ({safe_url(url)}): "
            f"create it with: mkdir -p {shlex.quote(str(folder))}, or use another path")


def _pg_connect_args(url: sa.URL, settings: WarehouseSettings) -> dict[str, Any]:
    """libpq options for bounded waits; what the URL's query already says wins."""
    ours: dict[str, Any] = {
        "connect_timeout": settings.connect_timeout_s,
        "keepalives": 1,
        "keepalives_idle": settings.keepalives_idle_s,
        "keepalives_interval": settings.keepalives_interval_s,
        "keepalives_count": settings.keepalives_count,
        # keepalives are not sent while data is unacknowledged: this bounds that case too
        "tcp_user_timeout": settings.dead_peer_s * 1000,
        "application_name": "targets-etl",
    }
    args = {key: value for key, value in ours.items() if key not in url.query}
    server = (f"-c statement_timeout={round(settings.statement_timeout_s * 1000)} "
              f"-c lock_timeout={round(settings.lock_timeout_s * 1000)}")
    given = url.query.get("options")
    args["options"] = f"{server} {given}" if isinstance(given, str) else server  # later -c wins
    return args


def _sqlite_pragmas(busy_timeout_s: float) -> Any:
    busy_ms = round(busy_timeout_s * 1000)

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.close()

    return on_connect


def json_text(value: Any) -> str:
    """JSON as an analyst reads it in sqlite3 or psql: Chinese text, not \\u escapes."""
    return json.dumps(value, ensure_ascii=False)


def make_engine(url: str = DEFAULT_URL,
                settings: WarehouseSettings = DEFAULT_SETTINGS) -> sa.Engine:
    """An engine for ``url``: SQLite with foreign keys, WAL and a busy timeout; PostgreSQL
    (psycopg 3) with every wait bounded by ``settings``.

    Raises :class:`ConfigurationError` (one line, password masked) for a URL that cannot
    work; nothing connects yet."""
    parsed = parse_url(url)
    postgres = parsed.get_backend_name() == "postgresql"
    if not postgres:
        _check_sqlite_path(parsed)
    connect_args = _pg_connect_args(parsed, settings) if postgres else {}
    try:
        engine = sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args,
                                  json_serializer=json_text)
    except ImportError as exc:
        if not postgres:
            raise ConfigurationError(f"this Python has no sqlite3 module ({first_line(exc)}): "
                                     "use a Python built with SQLite") from exc
        raise ConfigurationError(
            f"the PostgreSQL driver psycopg is not installed ({first_line(exc)}), needed for "
            f"{safe_url(parsed)}: install it with: {POSTGRES_INSTALL}") from exc
    sa.event.listen(engine, "handle_error", _raise_configuration_faults)
    if postgres:
        _watch_answers(engine, settings.answer_deadline_s)
    else:
        sa.event.listen(engine, "connect", _sqlite_pragmas(settings.busy_timeout_s))
    return engine


def _raise_configuration_faults(context: sa.engine.ExceptionContext) -> None:
    """A configuration fault (no such database, login refused, unknown host, a SQLite file
    that cannot be opened) becomes its one-line :class:`ConfigurationError` wherever the
    first connection happens (run lock, migrations, a status query), never a retry."""
    error = context.sqlalchemy_exception or context.original_exception
    url = context.engine.url if context.engine is not None else None
    problem = configuration_error(error, url)
    if problem is not None:
        raise problem from error


# --- a deadline for answers that cannot come --------------------------------------------


def _shut_socket(fd: int) -> None:
    """Wake the driver waiting on ``fd``: it reads "connection closed" (the fd stays the
    driver's to close)."""
    try:
        sock = socket.socket(fileno=os.dup(fd))
    except OSError:
        return
    with contextlib.suppress(OSError), sock:
        sock.shutdown(socket.SHUT_RDWR)


class _Watchdog:
    """One thread for all engines: closes the socket of a statement whose answer is overdue.

    The server's statement_timeout cannot help when the path to it froze (its cancel never
    reaches us) and keepalives cannot either while the peer's TCP still answers them."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._due: dict[int, tuple[float, int]] = {}
        self._wake_at = float("inf")
        self._thread: threading.Thread | None = None

    def arm(self, key: int, fd: int, seconds: float) -> None:
        due = time.monotonic() + seconds
        with self._cond:
            self._due[key] = (due, fd)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="warehouse-watchdog",
                                                daemon=True)
                self._thread.start()
            if due < self._wake_at:
                self._cond.notify()

    def disarm(self, key: int) -> None:
        with self._cond:
            self._due.pop(key, None)

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                for key, (due, fd) in list(self._due.items()):
                    if due <= now:
                        del self._due[key]
                        _shut_socket(fd)
                self._wake_at = min((due for due, _ in self._due.values()), default=now + 3600)
                self._cond.wait(timeout=max(self._wake_at - now, 0.01))


_WATCHDOG = _Watchdog()


def _reset_watchdog() -> None:
    """A forked child must not share the parent's lock (it may have been held at fork)."""
    global _WATCHDOG
    _WATCHDOG = _Watchdog()


os.register_at_fork(after_in_child=_reset_watchdog)


def _watch_answers(engine: sa.Engine, seconds: float) -> None:
    """Every statement of ``engine`` gets ``seconds`` to be answered."""

    def before(_conn: Any, cursor: Any, *_args: Any) -> None:
        try:
            fd = cursor.connection.fileno()
        except Exception:  # a closed connection: the driver itself reports that
            return
        _WATCHDOG.arm(id(cursor), fd, seconds)

    def after(_conn: Any, cursor: Any, *_args: Any) -> None:
        _WATCHDOG.disarm(id(cursor))

    def on_error(context: sa.engine.ExceptionContext) -> None:
        cursor = getattr(context.execution_context, "cursor", None)
        if cursor is not None:
            _WATCHDOG.disarm(id(cursor))

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    sa.event.listen(engine, "handle_error", on_error)


# --- first contact, migrations, checkpoint ------------------------------------------------


@contextlib.contextmanager
def first_contact(engine: sa.Engine) -> Iterator[None]:
    """Say what a failure of the first connection means: :class:`WarehouseUnavailable` for a
    fault worth retrying (refused, timed out), :class:`ConfigurationError` for one that is not
    (raised by the engine itself, see ``make_engine``), or the error itself."""
    try:
        yield
    except sa.exc.DBAPIError as exc:
        problem = configuration_error(exc, engine.url)
        if problem is not None:
            raise problem from exc
        if classify(exc).kind == "transient":
            raise WarehouseUnavailable(f"cannot reach the warehouse {safe_url(engine.url)}: "
                                       f"{first_line(exc.orig or exc)}") from exc
        raise


def check_reachable(engine: sa.Engine) -> None:
    """Connect once, so a run fails at its start, in one line, when the warehouse is not
    there (rather than inside the run lock or a migration)."""
    with first_contact(engine), engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "warehouse:migrations")
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(engine: sa.Engine) -> str | None:
    with first_contact(engine), engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _migrate(engine: sa.Engine, step: Callable[[Config], None]) -> None:
    """Run one Alembic command in one transaction. On SQLite, foreign keys are off meanwhile
    (batch mode rebuilds tables that other tables reference) and checked afterwards."""
    cfg = _alembic_config()
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        with conn.begin():
            cfg.attributes["connection"] = conn
            step(cfg)
        if sqlite:
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()
            if broken:
                raise RuntimeError(f"migration left dangling foreign keys: {broken[:5]}")


def known_revisions() -> list[str]:
    """Every revision this code knows, oldest first."""
    script = ScriptDirectory.from_config(_alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def check_not_ahead(engine: sa.Engine) -> str | None:
    """The warehouse's revision; a :class:`ConfigurationError` when a newer targets-etl
    migrated it (this code cannot know what that schema means, so it must not write)."""
    current = current_revision(engine)
    if current is not None and current not in known_revisions():
        raise ConfigurationError(
            f"the warehouse {safe_url(engine.url)} has schema revision {current}, newer than "
            f"this targets-etl knows (newest {head_revision()}): upgrade targets-etl, or "
            f"run `targets-etl db downgrade {head_revision()}` with the newer version")
    return current


def _check_revision(revision: str) -> None:
    if revision not in ("head", "base") and revision not in known_revisions():
        raise ConfigurationError(f"unknown schema revision {revision!r}: one of base, "
                                 f"{', '.join(known_revisions())} or head")


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Apply the Alembic migrations up to ``revision`` in one transaction."""
    _check_revision(revision)
    check_not_ahead(engine)
    _migrate(engine, lambda cfg: command.upgrade(cfg, revision))


def downgrade(engine: sa.Engine, revision: str) -> None:
    """Undo migrations down to ``revision`` (``base`` removes everything), in one
    transaction; what the removed columns held is lost."""
    _check_revision(revision)
    check_not_ahead(engine)
    _migrate(engine, lambda cfg: command.downgrade(cfg, revision))


def ensure_schema(engine: sa.Engine) -> None:
    """Bring the warehouse to the newest schema (a new, empty database just works); refuse
    one whose schema is ahead of this code."""
    if check_not_ahead(engine) != head_revision():
        upgrade(engine)


def checkpoint(engine: sa.Engine) -> bool:
    """Move SQLite's write-ahead log into the database file and empty it, so that the .db file
    alone holds everything (to copy, back up or ship it); ``False`` if a reader kept part of
    the log. A no-op (``True``) on PostgreSQL."""
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as conn:
        busy, _log, _done = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    return not busy
