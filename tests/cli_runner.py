"""Running ``targets-etl`` as a person does: a real process, its exit code and its output.

Each process gets a marker in its environment, so a test can tell whether any process it
started (the CLI, its forkserver, its workers) is still alive afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

MARK = "TARGETS_ETL_TEST_MARK"


@dataclass
class Finished:
    code: int
    out: str
    err: str
    seconds: float


def cli_env(mark: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PREFECT_") and k != "WAREHOUSE_URL"}
    env.update({"PYTHONPATH": str(ROOT), "PREFECT_HOME": extra.pop("home", "/tmp"),
                MARK: mark})
    env.update(extra)
    return env


#: Run as root without the capabilities that bypass file permissions, so that an unreadable
#: file is unreadable in a test too.
UNPRIVILEGED = ("setpriv", "--bounding-set=-dac_override,-dac_read_search", "--")


def start(args: Sequence[str], cwd: Path, prefix: Sequence[str] = (),
          **extra: str) -> tuple[subprocess.Popen[str], str]:
    mark = uuid.uuid4().hex
    proc = subprocess.Popen([*prefix, sys.executable, "-m", "flows.cli", *args], cwd=cwd,
                            env=cli_env(mark, **extra), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    return proc, mark


def run_cli(args: Sequence[str], cwd: Path, timeout: float = 120, prefix: Sequence[str] = (),
            **extra: str) -> Finished:
    started = time.monotonic()
    proc, _ = start(args, cwd, prefix, **extra)
    out, err = proc.communicate(timeout=timeout)
    return Finished(proc.returncode, out, err, time.monotonic() - started)


def alive_with(mark: str) -> list[int]:
    """Pids of live processes whose environment carries ``mark``."""
    found = []
    needle = f"{MARK}={mark}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().split(") ", 1)[1][0]
        except OSError:
            continue
        if needle in environ and state != "Z":
            found.append(int(entry.name))
    return found


def wait_gone(mark: str, seconds: float = 5.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := alive_with(mark)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left
