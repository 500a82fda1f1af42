"""A schedule that fires: cron read in its time zone (Asia/Shanghai by default), served by
``targets-etl serve`` on its own clock when no Prefect server is configured, and refused
when the configured server does not answer."""

from __future__ import annotations

import signal
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from extractors.errors import ConfigurationError
from flows.schedule import Schedule, serve_forever
from tests.cli_runner import run_cli, start, wait_gone
from tests.conftest import SAMPLES
from warehouse.lock import WarehouseBusy

SEED = SAMPLES / "seed" / "seed-2020-shanghai-kepu.txt"


def test_the_nightly_default_fires_at_half_past_two_in_beijing() -> None:
    due = Schedule().next_after(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    assert due.isoformat() == "2026-12-02T02:30:00+08:00"
    assert due.astimezone(UTC) == datetime(2026, 12, 1, 18, 30, tzinfo=UTC)
    utc = Schedule("30 2 * * *", "UTC").next_after(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    assert utc == datetime(2026, 12, 2, 2, 30, tzinfo=UTC)


@pytest.mark.parametrize(("cron", "zone", "needle"), [
    ("61 * * * *", "Asia/Shanghai", "not a cron expression"),
    ("* * *", "Asia/Shanghai", "not a cron expression"),
    ("30 2 * * *", "Asia/Beijing", "unknown time zone"),
])
def test_a_bad_schedule_is_refused_with_the_value(cron: str, zone: str, needle: str) -> None:
    with pytest.raises(ConfigurationError, match=needle):
        Schedule(cron, zone)


def test_the_loop_fires_every_minute_and_survives_a_failed_run() -> None:
    """The real loop and a real wait, on a clock set 0.4 s before a minute boundary."""
    start_real = time.monotonic()
    origin = datetime(2026, 12, 1, 10, 0, 59, 600_000, tzinfo=UTC)

    def clock() -> datetime:
        return origin + timedelta(seconds=time.monotonic() - start_real)

    fired: list[datetime] = []
    lines: list[str] = []
    stop = threading.Event()

    def run() -> str:
        fired.append(clock())
        if len(fired) == 1:
            raise WarehouseBusy("another run holds the lock")
        stop.set()
        return "loaded"

    # the second firing is a minute later on this clock: jump the clock forward after the
    # first so the test takes seconds, not a minute
    def jumping_clock() -> datetime:
        return clock() + (timedelta(seconds=59.5) if fired else timedelta())

    serve_forever(Schedule("* * * * *", "Asia/Shanghai"), run, lines.append, stop,
                  jumping_clock)
    assert len(fired) == 2 and time.monotonic() - start_real < 5
    assert fired[0] >= datetime(2026, 12, 1, 10, 1, tzinfo=UTC)
    assert lines[0] == "next run at 2026-12-01T18:01:00+08:00 (cron '* * * * *' in Asia/Shanghai)"
    assert "did not complete: another run holds the lock" in lines[1]
    assert lines[-1] == "loaded"


def test_serve_without_a_prefect_server_fires_a_one_minute_schedule(tmp_path: Path) -> None:
    """A real ``targets-etl serve`` process, no PREFECT_API_URL: within the next minute
    boundary (plus the run) the warehouse has a succeeded run with the seed's rows."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / SEED.name).write_bytes(SEED.read_bytes())
    db = tmp_path / "w.db"
    proc, mark = start(["serve", str(inbox), "--cron", "* * * * *", "--db", f"sqlite:///{db}",
                        "--workers", "1"], tmp_path)
    try:
        deadline = time.monotonic() + 100
        runs: list[tuple[str, int]] = []
        while time.monotonic() < deadline and not runs:
            time.sleep(1)
            if db.exists():
                engine = sa.create_engine(f"sqlite:///{db}")
                try:
                    with engine.connect() as conn:
                        runs = [tuple(r) for r in conn.execute(sa.text(
                            "SELECT status, files_loaded FROM load_run "
                            "WHERE status = 'succeeded'"))]
                except sa.exc.OperationalError:  # the schema is being created
                    runs = []
                finally:
                    engine.dispose()
        assert runs == [("succeeded", 1)], proc.poll()
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert "scheduling in this process (cron '* * * * *' in Asia/Shanghai)" in out
    assert "next run at " in err and "files: 1 seen, 1 loaded" in err
    assert proc.returncode == 130
    assert wait_gone(mark) == []


def test_serve_refuses_a_prefect_server_that_does_not_answer(tmp_path: Path) -> None:
    done = run_cli(["serve", str(SAMPLES), "--db", f"sqlite:///{tmp_path / 'w.db'}"],
                   tmp_path, PREFECT_API_URL="http://127.0.0.1:9/api")
    assert done.code == 2
    assert "PREFECT_API_URL=http://127.0.0.1:9/api does not answer" in done.err
    assert "prefect server start" in done.err
