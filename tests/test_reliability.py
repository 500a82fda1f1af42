"""The repeated-run check, small: consecutive runs in fresh Prefect homes neither hang nor
leave a process behind (``tests/reliability/repeat_runs.py --runs 50`` is the full check)."""

from __future__ import annotations

from tests.conftest import SAMPLES
from tests.reliability.repeat_runs import main


def test_consecutive_runs_in_fresh_prefect_homes_finish() -> None:
    assert main(["--runs", "3", "--timeout", "120", str(SAMPLES)]) == 0
