"""Faults on real databases and real processes: nothing half-written, the next run finishes.

- The warehouse goes away in the middle of a file's transaction: the load is retried, then
  fails with a clear message; the file's rows are absent, the files before it intact.
- The process is killed (SIGKILL) in the middle of a run: the next run loads what is missing,
  with no duplicates and no half-loaded file.
"""

from __future__ import annotations

import os
import shutil
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
from tests.conftest import PG_ADMIN_URL, ROOT, SAMPLES
from tests.test_warehouse import run_files
from warehouse.db import WarehouseUnavailable, ensure_schema, make_engine
from warehouse.retry import RetryPolicy, with_retries
from warehouse.runs import start_run

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
    first, second = pipeline.prepare_all([SEED, S09], workers=1)
    pipeline.load(engine, run_key, first)
    before = counts(engine)
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    db_name = engine.url.database

    def cut(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("INSERT INTO fact_indicator_target"):
            with admin.connect() as a:
                a.execute(sa.text(f'ALTER DATABASE "{db_name}" WITH ALLOW_CONNECTIONS false'))
                a.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = :d AND pid <> pg_backend_pid()"), {"d": db_name})

    sa.event.listen(engine, "before_cursor_execute", cut)
    try:
        with pytest.raises(WarehouseUnavailable) as info:
            pipeline.load(engine, run_key, second, FAST)
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


KILLABLE_RUN = """
import sys
from pathlib import Path
from flows import pipeline
from warehouse.db import ensure_schema, make_engine
from warehouse.runs import start_run
engine = make_engine(sys.argv[1])
ensure_schema(engine)
run_key = start_run(engine)
todo, _ = pipeline.plan(engine, pipeline.discover([Path(sys.argv[2])]))
for item in pipeline.prepare_all(todo, workers=1):
    pipeline.load(engine, run_key, item)
"""


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql",
                                                            marks=pytest.mark.postgres)])
def test_killed_run_is_finished_by_the_next_one(backend: str, tmp_path: Path,
                                                request: pytest.FixtureRequest) -> None:
    url = (f"sqlite:///{tmp_path / 'w.db'}" if backend == "sqlite"
           else request.getfixturevalue("pg_url"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    n_files = 40
    for i in range(n_files):
        shutil.copy(SEED, inbox / f"unit-{i:02d}.txt")
    engine = make_engine(url)
    ensure_schema(engine)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", KILLABLE_RUN, url, str(inbox)], env=env)
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
    engine.dispose()


def _slow_on_stall(path: Path) -> pipeline.Prepared:
    """The real ``prepare``, except that a file named ``stall.txt`` never finishes."""
    if path.name == "stall.txt":
        time.sleep(600)
    return pipeline.prepare(path)


def test_a_file_that_never_finishes_is_quarantined_and_the_others_load(tmp_path: Path) -> None:
    files = []
    for name in ("a.txt", "stall.txt", "b.txt"):
        shutil.copy(SEED, tmp_path / name)
        files.append(tmp_path / name)
    started = time.monotonic()
    prepared = pipeline.prepare_all(files, workers=2, timeout_s=3, work=_slow_on_stall)
    assert time.monotonic() - started < 30
    assert [p.path for p in prepared] == [str(f) for f in files]
    assert [e.reason for e in prepared[1].file_entries] == ["extract_timeout"]
    assert prepared[1].source is not None
    for good in (prepared[0], prepared[2]):
        assert good.validated is not None and len(good.validated.indicators) == 64


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
