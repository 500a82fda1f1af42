"""Work functions for the pool tests (``tests/test_pool.py``, ``tests/test_faults.py``).

They live in an importable module because forkserver and spawn workers import ``work`` by
name; a function local to a test could not be sent to them."""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flows.pipeline import Candidate, Prepared

_PR_GET_PDEATHSIG = 2


def behave(item: str) -> int:
    """Do what ``item`` says, then return this worker's pid.

    ``"ok"``, ``"sleep:<s>"``, ``"forever"``, ``"hog:<MB>"`` (allocate), ``"raise"``,
    ``"exit:<code>"`` (``os._exit``), ``"signal:<name>"`` (kill itself)."""
    verb, _, arg = item.partition(":")
    if verb == "sleep":
        time.sleep(float(arg))
    elif verb == "forever":
        while True:
            time.sleep(60)
    elif verb == "hog":
        block = bytearray(int(arg) << 20)
        del block
    elif verb == "raise":
        raise ValueError(f"asked to fail: {item}")
    elif verb == "exit":
        os._exit(int(arg))
    elif verb == "signal":
        os.kill(os.getpid(), signal.Signals[arg])
        time.sleep(10)
    return os.getpid()


def worker_state(_: object) -> dict[str, object]:
    """What the pool set up in the worker before ``work`` ran."""
    sig = ctypes.c_int(0)
    ctypes.CDLL(None).prctl(_PR_GET_PDEATHSIG, ctypes.byref(sig))
    return {"sigint_ignored": signal.getsignal(signal.SIGINT) == signal.SIG_IGN,
            "pdeathsig": sig.value,
            "rlimit_as": resource.getrlimit(resource.RLIMIT_AS),
            "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
            "pid": os.getpid()}


def _status_kb(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def measured_prepare(path: Path) -> tuple[Prepared, int, float]:
    """The real ``flows.pipeline.prepare`` of the file ``discover`` lists for ``path``, this
    worker's peak resident memory so far (kB), and the seconds ``prepare`` took."""
    from flows.pipeline import discover, prepare

    (candidate,) = discover([str(path)]).candidates
    started = time.monotonic()
    prepared = prepare(candidate)
    return prepared, _status_kb("VmHWM"), time.monotonic() - started


def prepare_or_stall(candidate: Candidate) -> Prepared:
    """The real ``prepare``, except that a file named ``stall.txt`` never finishes."""
    from flows.pipeline import prepare

    if candidate.uri.endswith("stall.txt"):
        while True:
            time.sleep(60)
    return prepare(candidate)
