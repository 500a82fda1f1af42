"""``flows.pool.run_pool`` with real worker processes: results in completion order, time and
memory limits, crashes, and no worker outliving the pool however iteration ends."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from multiprocessing.process import BaseProcess
from pathlib import Path

import pytest

from flows.pool import ItemFailed, PoolSettings, WorkerStartError, run_pool
from tests import pool_work
from tests.bad_files import decompression_bomb_pdf
from tests.conftest import ROOT, SAMPLES

QUICK = PoolSettings(workers=2, timeout_s=20.0, memory_mb=512)


@pytest.fixture(autouse=True)
def no_worker_left() -> Iterator[None]:
    """Every test, however it ends the pool, must leave no child process behind."""
    yield
    assert multiprocessing.active_children() == []


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting to be reaped does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def session_pids(sid: int) -> list[int]:
    """The live processes of session ``sid``: a test script and everything it started."""
    pids = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, IndexError):
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
            if entry.name.isdigit() and int(fields[3]) == sid and fields[0] not in ("Z", "X"):
                pids.append(int(entry.name))
    return pids


def worker_pids() -> set[int]:
    return {p.pid for p in multiprocessing.active_children() if p.pid is not None}


def test_settings_are_validated() -> None:
    for bad in ({"workers": 0}, {"workers": True}, {"timeout_s": 0}, {"timeout_s": float("nan")},
                {"memory_mb": 0}, {"start_method": "fork"}, {"preload": ["flows.pipeline"]}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            PoolSettings(**bad)


def test_no_items_start_no_worker_and_few_items_start_few(
        monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[BaseProcess] = []
    start = BaseProcess.start

    def counting_start(self: BaseProcess) -> None:
        started.append(self)
        start(self)

    monkeypatch.setattr(BaseProcess, "start", counting_start)
    assert list(run_pool([], pool_work.behave, QUICK)) == []
    assert started == []
    assert len(list(run_pool(["ok", "ok"], pool_work.behave, PoolSettings(workers=4)))) == 2
    assert len(started) == 2


def test_unpicklable_work_is_refused_before_any_worker_starts() -> None:
    def local(item: str) -> str:
        return item

    with pytest.raises(ValueError, match="picklable top-level function"):
        next(run_pool(["x"], local, QUICK))


def test_every_index_once_in_completion_order() -> None:
    items = ["sleep:1.0", *["ok"] * 30, "raise"]
    results = list(run_pool(items, pool_work.behave, QUICK))
    assert sorted(i for i, _ in results) == list(range(len(items)))
    assert results[-1][0] == 0  # the slow first item finished last, the others did not wait
    failed = dict(results)[len(items) - 1]
    assert isinstance(failed, ItemFailed) and failed.kind == "error"
    assert "ValueError: asked to fail" in failed.message and "Traceback" in failed.detail
    assert all(isinstance(r, int) for i, r in results if i != len(items) - 1)


def test_worker_is_set_up_before_work_runs() -> None:
    (_, state), = run_pool([0], pool_work.worker_state, PoolSettings(memory_mb=700))
    assert isinstance(state, dict)
    assert state["sigint_ignored"] is True
    assert state["pdeathsig"] == signal.SIGKILL
    assert state["rlimit_as"] == (700 << 20, 700 << 20)
    assert state["openblas_threads"] == "1"


def test_an_item_over_its_time_limit_is_killed_and_the_others_complete() -> None:
    items = ["forever", *["sleep:0.2"] * 6]
    started = time.monotonic()
    results = dict(run_pool(items, pool_work.behave, PoolSettings(workers=2, timeout_s=2.0)))
    assert time.monotonic() - started < 6
    stuck = results.pop(0)
    assert isinstance(stuck, ItemFailed) and stuck.kind == "timeout"
    assert len(results) == 6 and all(isinstance(r, int) for r in results.values())


def test_the_time_limit_runs_from_when_the_item_is_handed_out() -> None:
    """Two 0.8 s items on one worker take 1.6 s, but neither of them exceeds 1.5 s."""
    results = list(run_pool(["sleep:0.8"] * 2, pool_work.behave,
                            PoolSettings(workers=1, timeout_s=1.5)))
    assert all(isinstance(r, int) for _, r in results)


def test_memory_error_under_the_cap_costs_one_item() -> None:
    items = ["hog:1024", "ok", "hog:16", "ok"]
    results = dict(run_pool(items, pool_work.behave,
                            PoolSettings(workers=1, memory_mb=512)))
    hog = results[0]
    assert isinstance(hog, ItemFailed) and hog.kind == "memory"
    assert "512 MB" in hog.message
    assert all(isinstance(results[i], int) for i in (1, 2, 3))


def test_a_cap_below_the_workers_own_size_is_a_start_error() -> None:
    with pytest.raises(WorkerStartError, match="memory_mb=1"):
        list(run_pool(["ok"], pool_work.behave, PoolSettings(memory_mb=1)))


@pytest.mark.parametrize("start_method", ["forkserver", "spawn"])
def test_dead_workers_are_reported_and_replaced(start_method: str) -> None:
    items = ["ok", "exit:3", "ok", "signal:SIGSEGV", "signal:SIGKILL", "ok"]
    settings = PoolSettings(workers=1, start_method=start_method)
    results = dict(run_pool(items, pool_work.behave, settings))
    exited, segv, killed = results[1], results[3], results[4]
    assert isinstance(exited, ItemFailed) and exited.kind == "crashed"
    assert exited.exitcode == 3 and "code 3" in exited.message
    assert isinstance(segv, ItemFailed) and segv.kind == "crashed"
    assert segv.exitcode == -signal.SIGSEGV and "SIGSEGV" in segv.message
    assert isinstance(killed, ItemFailed) and killed.kind == "memory"  # as the OOM killer does
    assert len({results[i] for i in (0, 2, 5)}) == 3  # each later item had a fresh worker


def test_closing_the_generator_early_kills_every_worker() -> None:
    results = run_pool(["ok", *["forever"] * 3], pool_work.behave, QUICK)
    next(results)
    pids = worker_pids()
    assert len(pids) == 2
    results.close()
    assert multiprocessing.active_children() == []
    assert not any(alive(pid) for pid in pids)


@pytest.mark.parametrize("exc", [KeyboardInterrupt, SystemExit, RuntimeError])
def test_an_exception_inside_the_pool_kills_every_worker(exc: type[BaseException]) -> None:
    results = run_pool(["ok", *["forever"] * 3], pool_work.behave, QUICK)
    next(results)
    pids = worker_pids()
    with pytest.raises(exc):
        results.throw(exc())
    assert multiprocessing.active_children() == []
    assert not any(alive(pid) for pid in pids)


def test_an_exception_in_the_loop_body_kills_every_worker() -> None:
    pids: set[int] = set()
    with pytest.raises(KeyboardInterrupt), \
            contextlib.closing(run_pool(["ok", *["forever"] * 3], pool_work.behave,
                                        QUICK)) as results:
        for _ in results:
            pids = worker_pids()
            raise KeyboardInterrupt
    assert len(pids) == 2
    assert multiprocessing.active_children() == []
    assert not any(alive(pid) for pid in pids)


SCRIPT = """
import multiprocessing, sys
from flows.pool import PoolSettings, run_pool
from tests import pool_work
settings = PoolSettings(workers=2, timeout_s=None, start_method=sys.argv[1])
for _ in run_pool(["ok", "forever", "forever", "forever"], pool_work.behave, settings):
    print(*(p.pid for p in multiprocessing.active_children()), flush=True)
"""


def start_script(start_method: str) -> tuple[subprocess.Popen[str], list[int]]:
    """A pool in its own session, once it prints its workers' pids."""
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, start_method], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    assert proc.stdout is not None
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert len(pids) == 2, proc.stderr.read() if proc.stderr else ""
    time.sleep(0.3)  # back in the pool's wait
    return proc, pids


def wait_gone(pids: list[int], sid: int, within_s: float) -> list[int]:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        left = [p for p in pids if alive(p)] + session_pids(sid)
        if not left:
            return []
        time.sleep(0.1)
    return left


def test_ctrl_c_stops_the_parent_and_every_worker() -> None:
    proc, pids = start_script("forkserver")
    started = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C sends: the whole group
    _, err = proc.communicate(timeout=10)
    assert time.monotonic() - started < 10
    assert "KeyboardInterrupt" in err
    assert err.count("Traceback") == 1  # the parent's only: the workers ignored SIGINT
    assert wait_gone(pids, proc.pid, within_s=3) == []


@pytest.mark.parametrize("start_method", ["forkserver", "spawn"])
def test_workers_die_with_a_sigkilled_parent(start_method: str) -> None:
    proc, pids = start_script(start_method)
    proc.kill()
    proc.wait(timeout=5)
    assert wait_gone(pids, proc.pid, within_s=3) == []


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return decompression_bomb_pdf(tmp_path_factory.mktemp("bomb") / "bomb.pdf",
                                  expanded_mb=1024)


@pytest.mark.slow
def test_a_decompression_bomb_is_stopped_by_the_cap_and_the_samples_still_extract(
        bomb: Path) -> None:
    """Uncapped, extracting this 1 MB file takes 2.2 GB and 12 s; capped at 512 MB it fails
    in about a second, and the real sample PDFs extract under the same cap."""
    assert bomb.stat().st_size < 2 << 20
    samples = sorted((SAMPLES / "docs").glob("*.pdf"))
    settings = PoolSettings(workers=2, timeout_s=60.0, memory_mb=512,
                            preload=("flows.pipeline",))
    results = dict(run_pool([bomb, *samples], pool_work.measured_prepare, settings))
    outcome = results.pop(0)
    if isinstance(outcome, ItemFailed):
        assert outcome.kind in ("memory", "crashed"), outcome
    else:  # prepare() caught the MemoryError and quarantined the file
        prepared, peak_kb, seconds = outcome
        assert prepared.document is None
        (entry,) = prepared.file_entries
        assert entry.reason == "extract_memory" or "MemoryError" in entry.message, entry
        assert peak_kb < 512 << 10
        assert seconds < 10
    assert len(results) == len(samples) == 4
    for result in results.values():
        assert not isinstance(result, ItemFailed), result
        prepared, peak_kb, _ = result
        assert prepared.document is not None and prepared.document.forms, prepared.file_entries
        assert peak_kb < 512 << 10
