"""Retrying the warehouse when it does not answer, then failing with a clear message.

Only faults another attempt can fix are retried: a refused, dropped or timed-out connection,
a server restarting or full, a lock or serialization conflict (``warehouse.errors.classify``).
A constraint violation or a bad value is not (the file's transaction rolled back; retrying the
same rows would fail the same way), and a configuration fault (no such database, login
refused) stops the run with one line at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from warehouse.db import WarehouseUnavailable
from warehouse.errors import classify, configuration_error, first_line

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long to keep trying a warehouse that does not answer."""

    attempts: int = 4
    first_delay_s: float = 1.0
    backoff: float = 3.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"attempts must be >= 1, got {self.attempts}")
        if self.first_delay_s < 0 or self.backoff < 1:
            raise ValueError(f"bad delays: first {self.first_delay_s}, backoff {self.backoff}")

    def delays(self) -> list[float]:
        return [self.first_delay_s * self.backoff**i for i in range(self.attempts - 1)]


def is_transient(exc: BaseException) -> bool:
    """A lost, refused or busy connection, as opposed to an error in what was sent."""
    return classify(exc).kind == "transient"


def with_retries(action: Callable[[], T], what: str, policy: RetryPolicy,
                 on_retry: Callable[[int, BaseException], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> T:
    """Run ``action``; on a transient fault wait and try again, ``policy.attempts`` times in
    all, then raise :class:`WarehouseUnavailable` naming ``what`` and the last error.

    A configuration fault is raised at once as ``ConfigurationError``; any other error is
    raised as it is."""
    delays = policy.delays()
    for attempt in range(1, policy.attempts + 1):
        try:
            return action()
        except Exception as exc:
            if not is_transient(exc):
                problem = configuration_error(exc)
                if problem is None or problem is exc:
                    raise
                raise problem from exc
            if attempt == policy.attempts:
                raise WarehouseUnavailable(
                    f"the warehouse did not answer while {what} ({policy.attempts} attempts): "
                    f"{type(exc).__name__}: {first_line(exc)}") from exc
            if on_retry is not None:
                on_retry(attempt, exc)
            sleep(delays[attempt - 1])
    raise AssertionError("unreachable")  # pragma: no cover
