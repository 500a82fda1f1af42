"""Database faults on real servers and real processes: each is told apart and told in one line.

- A URL that cannot work (typo in the scheme, an unsupported database, a missing folder, a
  missing driver, a database that does not exist) is a ConfigurationError at once.
- A connection fault (nothing listening, a peer that accepts and never answers, a proxy that
  freezes mid-query, SQLite's "database is locked") is transient and bounded in time.
- What the server refuses (PostgreSQL 54000, 22003, 22001) is permanent: one file rejected,
  with a one-line message and its column.
- After ``checkpoint`` the SQLite .db file alone holds every row.
"""

from __future__ import annotations

import json
import os
import secrets
import select
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from extractors.errors import ConfigurationError
from tests.conftest import ROOT
from warehouse.db import (
    WarehouseSettings,
    WarehouseUnavailable,
    checkpoint,
    ensure_schema,
    make_engine,
    safe_url,
)
from warehouse.errors import classify, describe_rejection
from warehouse.retry import RetryPolicy, is_transient, with_retries
from warehouse.schema import dim_unit

PASSWORD = "s3cret-pw"
FAST = RetryPolicy(attempts=3, first_delay_s=0.01, backoff=1)
ACCEPTED = "sqlite:///PATH or postgresql+psycopg://user@host/db"
QUICK = WarehouseSettings(connect_timeout_s=2, statement_timeout_s=1, lock_timeout_s=1,
                          answer_grace_s=1, keepalives_idle_s=1, keepalives_interval_s=1,
                          keepalives_count=2)


def assert_one_line(message: str, *names: str) -> None:
    """What a person reads: one line, naming the offending value, no password."""
    assert message and "\n" not in message and message == message.strip(), message
    assert PASSWORD not in message, message
    for name in names:
        assert name in message, (name, message)


def with_password(url: str) -> str:
    return url.replace("postgres@", f"postgres:{PASSWORD}@", 1)


# --- URLs that cannot work --------------------------------------------------------------


@pytest.mark.parametrize(("url", "names"), [
    (f"postgresq://etl:{PASSWORD}@db.example/targets", ["'postgresq'", ACCEPTED, "postgresql"]),
    ("sqlit:///x.db", ["'sqlit'", ACCEPTED, "'sqlite'"]),
    (f"mysql://etl:{PASSWORD}@db.example/targets", ["'mysql'", "not supported", ACCEPTED]),
    (f"mssql+pyodbc://etl:{PASSWORD}@db.example/targets", ["'mssql'", "not supported"]),
    (f"postgresql+psycopg2://etl:{PASSWORD}@db.example/t", ["'psycopg2'", "postgresql+psycopg"]),
    ("warehouse.db", ["'warehouse.db'", "sqlite:///warehouse.db"]),
    (f"postgresql://etl:{PASSWORD}@db.example:five/t", ["bad port", "db.example:five"]),
])
def test_a_url_that_cannot_work_is_refused_in_one_line(url: str, names: list[str]) -> None:
    started = time.monotonic()
    with pytest.raises(ConfigurationError) as info:
        make_engine(url)
    assert time.monotonic() - started < 1
    assert_one_line(str(info.value), *names)


def test_a_sqlite_folder_that_does_not_exist_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "no" / "such" / "folder"
    with pytest.raises(ConfigurationError) as info:
        make_engine(f"sqlite:///{folder / 'warehouse.db'}")
    assert_one_line(str(info.value), str(folder), "mkdir -p")
    with pytest.raises(ConfigurationError) as info:
        make_engine(f"sqlite:///{tmp_path}")
    assert_one_line(str(info.value), str(tmp_path), "folder, not a file")


def test_settings_refuse_a_bad_value_by_name() -> None:
    for bad, names in (({"connect_timeout_s": 1}, ["connect_timeout_s", "1"]),
                       ({"statement_timeout_s": 0}, ["statement_timeout_s", "0"]),
                       ({"keepalives_count": 2.5}, ["keepalives_count", "2.5"]),
                       ({"busy_timeout_s": -1}, ["busy_timeout_s", "-1"])):
        with pytest.raises(ValueError) as info:
            WarehouseSettings(**bad)
        assert_one_line(str(info.value), *names)


def test_safe_url_masks_the_password_wherever_it_is() -> None:
    for url in (f"postgresql://etl:{PASSWORD}@h/db", f"postgresql://etl@h/db?password={PASSWORD}",
                f"postgresql://etl:{PASSWORD}@h:port/db", f"postgresq//etl:{PASSWORD}@h/db"):
        assert PASSWORD not in safe_url(url), safe_url(url)
    assert safe_url("sqlite:///w.db") == "sqlite:///w.db"


NO_PSYCOPG = """
import sys

class NoPsycopg:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("psycopg", "psycopg_binary", "psycopg_c"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoPsycopg())
"""

FIRST_CONTACT = """
import json, sys
try:
    import psycopg
    shim = "psycopg imported"
except ModuleNotFoundError:
    shim = "no psycopg"
from warehouse.db import ensure_schema, make_engine
try:
    ensure_schema(make_engine(sys.argv[1]))
    print(json.dumps([shim, "no error", ""]))
except Exception as exc:
    print(json.dumps([shim, type(exc).__name__, str(exc)]))
"""


def test_a_missing_postgresql_driver_says_what_to_install(tmp_path: Path) -> None:
    (tmp_path / "sitecustomize.py").write_text(NO_PSYCOPG, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT)]))
    url = f"postgresql://postgres:{PASSWORD}@127.0.0.1/postgres"
    done = subprocess.run([sys.executable, "-c", FIRST_CONTACT, url], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, check=True)
    shim, kind, message = json.loads(done.stdout.strip().splitlines()[-1])
    assert shim == "no psycopg"
    assert kind == "ConfigurationError"
    assert_one_line(message, "pip install 'targets-etl[postgres]'", "psycopg",
                    "postgresql+psycopg://postgres:***@127.0.0.1/postgres")


# --- connection faults: PostgreSQL --------------------------------------------------------


@pytest.mark.postgres
def test_a_database_that_does_not_exist_is_a_configuration_error_at_once(pg_url: str) -> None:
    missing = pg_url + "_missing"
    engine = make_engine(with_password(missing))
    started = time.monotonic()
    with pytest.raises(ConfigurationError) as info:
        with_retries(lambda: ensure_schema(engine), "opening a load run", RetryPolicy())
    assert time.monotonic() - started < 2, "retried as if the server had not answered"
    name = missing.rsplit("/", 1)[1]
    assert_one_line(str(info.value), f"'{name}' does not exist",
                    f"createdb -h 127.0.0.1 -p 5432 -U postgres {name}")
    assert classify(info.value.__cause__ or info.value).kind == "configuration"
    with pytest.raises(ConfigurationError) as info:  # wherever the first connection is made
        engine.connect()
    assert_one_line(str(info.value), f"createdb -h 127.0.0.1 -p 5432 -U postgres {name}")
    engine.dispose()


@pytest.mark.postgres
def test_a_refused_login_is_a_configuration_error(pg_url: str) -> None:
    engine = make_engine(pg_url.replace("postgres@", f"nobody_here:{PASSWORD}@", 1))
    with pytest.raises(ConfigurationError) as info:
        ensure_schema(engine)
    assert_one_line(str(info.value), '"nobody_here"', "refused the login")
    engine.dispose()


def test_nothing_listening_is_transient() -> None:
    engine = make_engine(f"postgresql://postgres:{PASSWORD}@127.0.0.1:1/postgres")
    with pytest.raises(WarehouseUnavailable) as info:
        ensure_schema(engine)
    assert_one_line(str(info.value), "127.0.0.1:1", "Connection refused")
    refused = info.value.__cause__
    assert refused is not None
    assert classify(refused).kind == "transient" and classify(refused).reason == (
        "connection refused")
    retried: list[int] = []
    with pytest.raises(WarehouseUnavailable) as info:
        with_retries(lambda: ensure_schema(engine), "opening a load run", FAST,
                     on_retry=lambda n, exc: retried.append(n), sleep=lambda s: None)
    assert retried == [1, 2]
    assert_one_line(str(info.value), "3 attempts", "Connection refused")
    engine.dispose()


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never says a word."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(timeout=5)
    for conn in held:
        conn.close()
    server.close()


def test_a_peer_that_never_answers_times_out_as_transient(silent_server: int) -> None:
    engine = make_engine(f"postgresql://postgres:{PASSWORD}@127.0.0.1:{silent_server}/db",
                         WarehouseSettings(connect_timeout_s=2))
    started = time.monotonic()
    with pytest.raises(WarehouseUnavailable) as info:
        ensure_schema(engine)
    assert time.monotonic() - started < 5
    assert_one_line(str(info.value), f"127.0.0.1:{silent_server}", "timeout")
    assert info.value.__cause__ is not None and is_transient(info.value.__cause__)
    engine.dispose()


class FreezingProxy:
    """Forwards TCP to PostgreSQL until ``freeze()``; then holds every byte and every socket
    open, as a hung middlebox or VM would (the kernel still ACKs: keepalives see no fault)."""

    def __init__(self, port: int) -> None:
        self.target = ("127.0.0.1", port)
        self.frozen = threading.Event()
        self.stopped = threading.Event()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.1)
        self.port = self.server.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def freeze(self) -> None:
        self.frozen.set()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                client = self.server.accept()[0]
            except OSError:
                continue
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            pump = threading.Thread(target=self._pump, args=(client, upstream), daemon=True)
            self.threads.append(pump)
            pump.start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        while not self.stopped.is_set():
            ready, _, _ = select.select([a, b], [], [], 0.05)
            if self.frozen.is_set():
                continue
            for sock in ready:
                data = sock.recv(65536)
                if not data:
                    return
                (b if sock is a else a).sendall(data)

    def close(self) -> None:
        self.stopped.set()
        for thread in self.threads:
            thread.join(timeout=5)
        for sock in [*self.sockets, self.server]:
            sock.close()


@pytest.mark.postgres
def test_a_proxy_that_freezes_mid_query_fails_the_statement_in_bounded_time(
        pg_url: str) -> None:
    url = sa.make_url(pg_url)
    proxy = FreezingProxy(url.port or 5432)
    engine = make_engine(with_password(pg_url).replace(f":{url.port}/", f":{proxy.port}/"),
                         QUICK)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SHOW statement_timeout")).scalar() == "1s"
            threading.Timer(0.2, proxy.freeze).start()
            started = time.monotonic()
            with pytest.raises(sa.exc.OperationalError) as info:
                conn.execute(sa.text("SELECT pg_sleep(0.5)"))
            elapsed = time.monotonic() - started
        # the server cancels at 1 s, its answer cannot come: closed at 1 s + 1 s of grace
        assert 1.5 < elapsed < 6, elapsed
        assert info.value.connection_invalidated and is_transient(info.value)
    finally:
        engine.dispose()
        proxy.close()


@pytest.mark.postgres
def test_the_bounds_reach_the_session_and_the_urls_own_options_win(pg_url: str) -> None:
    engine = make_engine(pg_url, QUICK)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SHOW statement_timeout")).scalar() == "1s"
        assert conn.execute(sa.text("SHOW lock_timeout")).scalar() == "1s"
        assert conn.execute(sa.text("SHOW application_name")).scalar() == "targets-etl"
    engine.dispose()
    engine = make_engine(pg_url + "?options=-c%20statement_timeout%3D5000", QUICK)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SHOW statement_timeout")).scalar() == "5s"
    assert checkpoint(engine)  # nothing to do on PostgreSQL
    engine.dispose()


# --- what the server refuses: permanent ---------------------------------------------------


@pytest.mark.postgres
def test_values_the_server_refuses_are_permanent_with_their_column(pg_url: str) -> None:
    engine = make_engine(pg_url)
    ensure_schema(engine)
    calls: list[int] = []

    def insert_long_key() -> None:
        calls.append(1)
        with engine.begin() as conn:  # ~3 kB that does not compress: over the btree limit
            conn.execute(dim_unit.insert().values(natural_key=secrets.token_hex(1600),
                                                  unit_name="单位"))

    with pytest.raises(sa.exc.OperationalError) as info:
        with_retries(insert_long_key, "loading", FAST, sleep=lambda s: None)
    assert calls == [1], "a permanent error was retried"
    assert classify(info.value).sqlstate == "54000" and not is_transient(info.value)
    message, column = describe_rejection(info.value)
    assert_one_line(message, "ProgramLimitExceeded [54000]", "index row size")
    assert column == "natural_key"

    amounts = sa.Table("amounts", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                       sa.Column("code", sa.String(4)), sa.Column("amount_yuan",
                                                                  sa.Numeric(18, 2)))
    amounts.metadata.create_all(engine)
    for rows, code, text, bad_column in (
            ([{"code": "a", "amount_yuan": Decimal("1e17")}], "22003", "numeric field overflow",
             "amount_yuan"),
            ([{"code": "a", "amount_yuan": 1}, {"code": "abcdef", "amount_yuan": 2}], "22001",
             "character varying(4)", "code")):
        with pytest.raises(sa.exc.DataError) as data_info, engine.begin() as conn:
            conn.execute(amounts.insert().returning(amounts.c.id), rows)
        assert classify(data_info.value).kind == "permanent"
        assert classify(data_info.value).sqlstate == code
        message, column = describe_rejection(data_info.value)
        assert_one_line(message, f"[{code}]", text)
        assert column == bad_column
    engine.dispose()


# --- SQLite -------------------------------------------------------------------------------


def test_sqlite_database_is_locked_is_transient(sqlite_url: str, tmp_path: Path) -> None:
    engine = make_engine(sqlite_url, WarehouseSettings(busy_timeout_s=0.05))
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (x INTEGER NOT NULL)"))
    holder = sqlite3.connect(tmp_path / "warehouse.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")

    def insert() -> None:
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO t VALUES (2)"))

    started = time.monotonic()
    with pytest.raises(sa.exc.OperationalError) as info:
        insert()
    assert time.monotonic() - started < 2
    assert "database is locked" in str(info.value) and is_transient(info.value)
    def other_writer_commits(_attempt: int, _exc: BaseException) -> None:
        holder.execute("COMMIT")

    # retried: the other writer commits in the meantime, the second attempt goes through
    with_retries(insert, "loading", FAST, on_retry=other_writer_commits, sleep=lambda s: None)
    holder.close()
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM t")).scalar() == 2
        with pytest.raises(sa.exc.IntegrityError) as rejected:
            conn.execute(sa.text("INSERT INTO t VALUES (NULL)"))
    assert not is_transient(rejected.value)
    message, column = describe_rejection(rejected.value)
    assert_one_line(message, "IntegrityError: NOT NULL constraint failed: t.x")
    assert column == "x"
    engine.dispose()


def _rows_in_copy(db_file: Path, folder: Path) -> int:
    """Rows a copy of the .db file alone holds (no -wal beside it)."""
    folder.mkdir()
    copy = folder / db_file.name
    shutil.copyfile(db_file, copy)
    conn = sqlite3.connect(copy)
    try:
        return int(conn.execute("SELECT count(*) FROM t").fetchone()[0])
    except sqlite3.OperationalError:  # no such table: it was still in the log
        return 0
    finally:
        conn.close()


def test_after_checkpoint_the_db_file_alone_holds_everything(sqlite_url: str,
                                                             tmp_path: Path) -> None:
    db_file = tmp_path / "warehouse.db"
    wal = tmp_path / "warehouse.db-wal"
    engine = make_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (x INTEGER NOT NULL, label TEXT)"))
        conn.execute(sa.text("INSERT INTO t VALUES (:x, :label)"),
                     [{"x": i, "label": f"行 {i}"} for i in range(300)])
    assert wal.stat().st_size > 0
    assert _rows_in_copy(db_file, tmp_path / "before") < 300  # the rows sit in the log
    assert checkpoint(engine)
    assert not wal.exists() or wal.stat().st_size == 0
    assert _rows_in_copy(db_file, tmp_path / "after") == 300
    engine.dispose()
