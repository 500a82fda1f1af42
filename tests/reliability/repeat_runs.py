"""Run ``targets-etl run SOURCE`` many times in a row, each in a fresh ``PREFECT_HOME`` and
a fresh warehouse, and count the runs that hang, fail or leave a process behind.

    python tests/reliability/repeat_runs.py --runs 50 samples/

A run that has not finished after ``--timeout`` seconds counts as a hang: its process tree is
dumped (py-spy if installed, else /proc/<pid>/stack) and killed. Exit code 0 only when every
run exited 0 and left nothing running.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.cli_runner import MARK, alive_with, wait_gone  # noqa: E402


def one_run(source: str, timeout: float) -> tuple[str, float]:
    """``(outcome, seconds)``: ok, hang, exit-N or leftover."""
    with tempfile.TemporaryDirectory(prefix="targets-etl-repeat-") as tmp:
        mark = uuid.uuid4().hex
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env.update({"PREFECT_HOME": str(Path(tmp) / "prefect"), MARK: mark,
                    "PYTHONPATH": str(ROOT)})
        cmd = [sys.executable, "-m", "flows.cli", "run", source, "--db",
               f"sqlite:///{tmp}/w.db"]
        started = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=tmp, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            for pid in alive_with(mark):
                stack = Path(f"/proc/{pid}/stack")
                print(f"  hung pid {pid}: {stack.read_text() if stack.exists() else '?'}")
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return "hang", time.monotonic() - started
        seconds = time.monotonic() - started
        if proc.returncode != 0:
            print(f"  exit {proc.returncode}: {err.strip()[-300:]}")
            return f"exit-{proc.returncode}", seconds
        if wait_gone(mark):
            return "leftover", seconds
        return "ok", seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="a folder or file to load")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds after which a run counts as hung")
    args = parser.parse_args(argv)
    outcomes: dict[str, int] = {}
    times = []
    for i in range(args.runs):
        outcome, seconds = one_run(os.path.abspath(args.source), args.timeout)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        times.append(seconds)
        print(f"run {i + 1}/{args.runs}: {outcome} in {seconds:.1f} s", flush=True)
    times.sort()
    print(f"{args.runs} runs: " + ", ".join(f"{n} {k}" for k, n in sorted(outcomes.items()))
          + f"; wall median {times[len(times) // 2]:.1f} s, max {times[-1]:.1f} s")
    return 0 if outcomes.get("ok", 0) == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
