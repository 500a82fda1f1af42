"""Faults on real databases and real processes: nothing half-written, the next run finishes.

- The warehouse goes away in the middle of a file's transaction: the load is retried, then
  fails with a clear message; the file's rows are absent, the files before it intact.
- The process is killed (SIGKILL) in the middle of a run: the next run loads what is missing,
  with no duplicates and no half-loaded file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from extractors.errors import TransientError
from flows import pipeline
from flows.feedback import RunLog
from flows.pool import PoolSettings
from flows.run import process
from tests.conftest import PG_ADMIN_URL, ROOT, SAMPLES
from tests.test_warehouse import run_files
from warehouse.db import WarehouseUnavailable, ensure_schema, make_engine
from warehouse.retry import RetryPolicy, with_retries
from warehouse.runs import RunSummary, start_run

SEED = SAMPLES / "seed" / "seed-2020-shanghai-kepu.txt"
S09 = next(SAMPLES.glob("docs/s09_*.txt"))
FAST = RetryPolicy(attempts=3, first_delay_s=0.05, backoff=2)


def counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("dim_source_document", "fact_project_year", "fact_indicator_target")}


def test_retry_policy_retries_only_transient_faults() -> None:
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise sa.exc.OperationalError("INSERT", {}, Exception("connection refused"))
        return "ok"

    assert with_retries(flaky, "testing", FAST, sleep=lambda s: None) == "ok"
    assert len(calls) == 3
    with pytest.raises(sa.exc.IntegrityError):
        with_retries(lambda: (_ for _ in ()).throw(sa.exc.IntegrityError("x", {}, Exception())),
                     "testing", FAST, sleep=lambda s: None)
    with pytest.raises(ValueError):
        RetryPolicy(attempts=0)


@pytest.mark.postgres
def test_warehouse_lost_mid_load_is_retried_then_fails_cleanly(pg_url: str) -> None:
    engine = make_engine(pg_url)
    ensure_schema(engine)
    run_key = start_run(engine)
    decided = pipeline.plan(engine, pipeline.discover([str(SEED), str(S09)]))
    by_name = {Path(j.candidate.uri).name: (j, item)
               for j, item in pipeline.prepare_in_process(decided.jobs)}
    (first, first_item), (second, second_item) = by_name[SEED.name], by_name[S09.name]
    pipeline.load(engine, run_key, first, first_item)
    before = counts(engine)
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    db_name = engine.url.database

    def cut(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("INSERT INTO fact_project_year"):  # mid-load
            with admin.connect() as a:
                a.execute(sa.text(f'ALTER DATABASE "{db_name}" WITH ALLOW_CONNECTIONS false'))
                a.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = :d AND pid <> pg_backend_pid()"), {"d": db_name})

    sa.event.listen(engine, "before_cursor_execute", cut)
    try:
        with pytest.raises(WarehouseUnavailable) as info:
            pipeline.load(engine, run_key, second, second_item, FAST)
        assert isinstance(info.value, TransientError)
        assert "did not answer while loading" in str(info.value)
        assert S09.name in str(info.value)
    finally:
        sa.event.remove(engine, "before_cursor_execute", cut)
        with admin.connect() as a:
            a.execute(sa.text(f'ALTER DATABASE "{db_name}" WITH ALLOW_CONNECTIONS true'))
        admin.dispose()
    engine.dispose()
    engine = make_engine(pg_url)
    assert counts(engine) == before  # nothing of the second file, the first intact
    summary = run_files(engine, [SEED, S09])
    assert (summary.files_unchanged, summary.files_loaded) == (1, 1)
    assert counts(engine) == {"dim_source_document": 2, "fact_project_year": 7,
                              "fact_indicator_target": 64 + 62}
    engine.dispose()


def distinct_copies(inbox: Path, n: int) -> None:
    """``n`` different documents: the seed with its unit renamed in each."""
    text = SEED.read_text(encoding="utf-8")
    unit = "上海市科普教育展示技术中心"
    for i in range(n):
        (inbox / f"unit-{i:02d}.txt").write_text(text.replace(unit, f"{unit}{i:02d}"),
                                                 encoding="utf-8")


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql",
                                                            marks=pytest.mark.postgres)])
def test_killed_run_is_finished_by_the_next_one(backend: str, tmp_path: Path,
                                                request: pytest.FixtureRequest) -> None:
    url = (f"sqlite:///{tmp_path / 'w.db'}" if backend == "sqlite"
           else request.getfixturevalue("pg_url"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    n_files = 40
    distinct_copies(inbox, n_files)
    engine = make_engine(url)
    ensure_schema(engine)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "run", str(inbox), "--db", url,
                             "--workers", "1"], env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    loaded = 0
    while time.monotonic() < deadline and proc.poll() is None:
        loaded = counts(engine)["dim_source_document"] if sa.inspect(engine).has_table(
            "dim_source_document") else 0
        if loaded >= 3:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    after_kill = counts(engine)
    assert 3 <= after_kill["dim_source_document"] < n_files
    # every file written is whole: 4 project-years and 64 targets each
    assert after_kill["fact_project_year"] == 4 * after_kill["dim_source_document"]
    assert after_kill["fact_indicator_target"] == 64 * after_kill["dim_source_document"]

    summary = run_files(engine, [inbox])
    assert summary.files_unchanged == after_kill["dim_source_document"]
    assert summary.files_loaded == n_files - after_kill["dim_source_document"]
    assert counts(engine) == {"dim_source_document": n_files, "fact_project_year": 4 * n_files,
                              "fact_indicator_target": 64 * n_files}
    with engine.connect() as conn:
        statuses = conn.execute(sa.text("SELECT status FROM load_run ORDER BY load_run_key"))
        assert list(statuses.scalars()) == ["interrupted", "succeeded"]
    engine.dispose()


def test_a_file_that_never_finishes_is_quarantined_and_the_others_load(tmp_path: Path) -> None:
    from tests.pool_work import prepare_or_stall

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    distinct_copies(inbox, 3)
    (inbox / "unit-01.txt").rename(inbox / "stall.txt")
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    ensure_schema(engine)
    run_key = start_run(engine)
    decided = pipeline.plan(engine, pipeline.discover([str(inbox)]))
    summary = RunSummary()
    started = time.monotonic()
    log = RunLog(summary, lambda line: None)
    process(engine, run_key, decided, PoolSettings(workers=2, timeout_s=10), log,
            work=prepare_or_stall)
    assert time.monotonic() - started < 60
    assert (summary.files_loaded, summary.files_quarantined) == (2, 1)
    assert [(Path(f.uri).name, f.status, f.reason) for f in log.files
            if f.status != "loaded"] == [("stall.txt", "quarantined", "extract_timeout")]
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT source_uri, reason, source_sha256 FROM quarantine"))
        [(uri, reason, sha)] = rows.all()
    assert (Path(uri).name, reason) == ("stall.txt", "extract_timeout")
    assert sha is not None  # recorded by its bytes: the next run skips it until it changes
    again = pipeline.plan(engine, pipeline.discover([str(inbox)]))
    assert (len(again.jobs), len(again.unchanged)) == (0, 3)
    engine.dispose()


def test_rows_the_warehouse_rejects_quarantine_their_file_only(sqlite_url: str,
                                                               tmp_path: Path) -> None:
    """A real rejection (a trigger refusing one unit) costs that file, not the run."""
    engine = make_engine(sqlite_url)
    ensure_schema(engine)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "CREATE TRIGGER refuse_unit BEFORE INSERT ON dim_unit "
            "WHEN NEW.unit_name LIKE '%健康促进%' BEGIN SELECT RAISE(ABORT, 'refused'); END"))
    summary = run_files(engine, [SEED, S09])
    assert (summary.files_loaded, summary.files_quarantined, summary.files_failed) == (1, 1, 0)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT reason, message FROM quarantine")).all()
        assert [r.reason for r in rows] == ["load_failed"]
        assert "refused" in rows[0].message and S09.name in rows[0].message
        assert conn.execute(sa.text("SELECT count(*) FROM v_project_year")).scalar() == 4
    engine.dispose()


@pytest.mark.postgres
def test_control_characters_never_reach_the_warehouse(pg_url: str, tmp_path: Path) -> None:
    """A NUL past the first 4 KiB (where a NUL means a binary file) is dropped as no text."""
    seed = SEED.read_text(encoding="utf-8")
    at = seed.rindex("可持续发展")
    text = seed[:at] + "可持续\x00发展" + seed[at + len("可持续发展"):]
    assert text.encode("utf-8").index(b"\x00") > 4096
    path = tmp_path / "nul.txt"
    path.write_bytes(text.encode("utf-8"))
    engine = make_engine(pg_url)
    summary = run_files(engine, [path])
    assert (summary.files_loaded, summary.project_rows) == (1, 4)
    with engine.connect() as conn:
        assert conn.execute(sa.text(
            "SELECT count(*) FROM v_indicator_target WHERE target_raw = '可持续发展'")
        ).scalar() == 4
    engine.dispose()


@pytest.mark.postgres
def test_a_permanent_rejection_quarantines_the_file_and_the_run_goes_on(pg_url: str,
                                                                         tmp_path: Path) -> None:
    """psycopg reports SQLSTATE 54000 (a program limit, e.g. an index row too large) as an
    OperationalError; it is not "the warehouse did not answer": that file is quarantined
    (load_failed, with the column), not retried, the others load, the run exits 0."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    distinct_copies(inbox, 2)
    engine = make_engine(pg_url)
    ensure_schema(engine)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            " IF NEW.unit_name LIKE '%01%' THEN RAISE EXCEPTION 'index row size exceeds"
            " maximum' USING ERRCODE = '54000', COLUMN = 'natural_key'; END IF;"
            " RETURN NEW; END $$"))
        conn.execute(sa.text("CREATE TRIGGER refuse BEFORE INSERT ON dim_unit"
                             " FOR EACH ROW EXECUTE FUNCTION refuse()"))
    started = time.monotonic()
    summary = run_files(engine, [inbox])
    assert time.monotonic() - started < 20  # not retried for a minute
    assert (summary.files_loaded, summary.files_quarantined, summary.files_failed) == (1, 1, 0)
    with engine.connect() as conn:
        [(reason, column, message)] = conn.execute(sa.text(
            "SELECT reason, column_name, message FROM quarantine")).all()
    assert (reason, column) == ("load_failed", "natural_key")
    assert "54000" in message and "unit-01.txt" in message and "\n" not in message
    engine.dispose()
