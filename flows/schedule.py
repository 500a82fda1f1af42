"""A schedule that fires without a Prefect server: cron in a time zone, run in this process.

Prefect's temporary API server (what a process without ``PREFECT_API_URL`` gets) runs no
scheduler, so a deployment served against it never starts a run. ``targets-etl serve``
without a server therefore keeps its own clock: it computes the next firing from the cron
expression in the schedule's time zone, sleeps until then, runs, and computes again from the
time the run ended (a run longer than the interval skips the firings it overlapped instead
of piling them up). A run that fails is reported and the schedule goes on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError

from extractors.errors import ConfigurationError, EtlError

DEFAULT_CRON = "30 2 * * *"
DEFAULT_TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True, slots=True)
class Schedule:
    """A cron expression (five fields) read in an IANA time zone."""

    cron: str = DEFAULT_CRON
    timezone: str = DEFAULT_TIMEZONE

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigurationError(f"unknown time zone {self.timezone!r} (an IANA name such "
                                     "as Asia/Shanghai)") from exc
        try:
            CronSim(self.cron, datetime.now(UTC))
        except CronSimError as exc:
            raise ConfigurationError(f"not a cron expression: {self.cron!r} ({exc})") from exc

    def next_after(self, when: datetime) -> datetime:
        """The first firing strictly after ``when`` (an aware datetime), in the schedule's
        time zone."""
        local = when.astimezone(ZoneInfo(self.timezone)).replace(microsecond=0)
        return next(iter(CronSim(self.cron, local)))

    def describe(self) -> str:
        return f"cron '{self.cron}' in {self.timezone}"


def serve_forever(schedule: Schedule, run: Callable[[], str], report: Callable[[str], None],
                  stop: threading.Event | None = None,
                  clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
    """Fire ``run`` on ``schedule`` until ``stop`` is set (or the process is interrupted).

    ``run`` returns the line to report; an ``EtlError`` it raises (the warehouse busy or
    away, a source that cannot be listed tonight) is reported and the next firing comes."""
    stop = stop or threading.Event()
    while not stop.is_set():
        due = schedule.next_after(clock())
        report(f"next run at {due.isoformat()} ({schedule.describe()})")
        while not stop.is_set() and (left := (due - clock()).total_seconds()) > 0:
            stop.wait(min(left, 60.0))
        if stop.is_set():
            return
        try:
            report(run())
        except EtlError as exc:
            report(f"the run due at {due.isoformat()} did not complete: {exc}")
