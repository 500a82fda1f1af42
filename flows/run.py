"""One run of the ETL, wired from the pipeline's plain functions.

The same wiring serves both ways a run starts: ``targets-etl run`` without a Prefect server
calls the steps directly (no temporary API server to start, wait for or lose), and the
Prefect flows (``flows.etl``) hand in the same steps wrapped as tasks. Per warehouse one run
at a time holds the run lock, from migrations to the closing of its ``load_run`` row.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa

from extractors.errors import Reason
from flows import pipeline
from flows.exitcodes import ExitCode
from flows.feedback import (
    FileReport,
    NoProgress,
    Progress,
    Report,
    RunLog,
    files_table,
    report_stderr,
    summary_markdown,
)
from flows.pool import ItemFailed, PoolSettings, run_pool
from warehouse.db import (
    WarehouseUnavailable,
    check_reachable,
    checkpoint,
    ensure_schema,
    make_engine,
)
from warehouse.level_classes import refresh_level_classes
from warehouse.load import refresh_documents
from warehouse.locations import mark_gone, refresh_document_uris, years_at
from warehouse.lock import run_lock
from warehouse.retry import RetryPolicy, with_retries
from warehouse.runs import RunSummary, finish_run, start_run

#: A warehouse that refuses the first connection is tried for a few seconds, not minutes:
#: a person is usually waiting for the answer.
FIRST_CONTACT = RetryPolicy(attempts=3, first_delay_s=1.0, backoff=2.0)

#: How a worker that did not return is quarantined.
FAILURE_REASONS = {"timeout": Reason.EXTRACT_TIMEOUT, "memory": Reason.EXTRACT_MEMORY,
                   "crashed": Reason.EXTRACT_CRASHED, "error": Reason.UNREADABLE}


def worker_pool(workers: int | None = None, timeout_s: float | None = None,
                memory_mb: int | None = None) -> PoolSettings:
    """Extraction workers, forked from a server that has imported the pipeline once (so a
    replaced worker starts in milliseconds); unset values take the pool's defaults."""
    defaults = PoolSettings()
    return PoolSettings(workers=workers or os.cpu_count() or 1,
                        timeout_s=timeout_s or defaults.timeout_s,
                        memory_mb=memory_mb or defaults.memory_mb,
                        preload=("flows.pipeline",))


@dataclass(frozen=True, slots=True)
class RunRequest:
    """Everything a run needs, decided at the edge (CLI, flow parameters, environment)."""

    sources: tuple[str, ...]
    db_url: str
    force: bool = False
    wait: bool = False
    pool: PoolSettings = field(default_factory=lambda: worker_pool())
    years: frozenset[int] = frozenset()  # a backfill: read these years' documents again

    def __post_init__(self) -> None:
        if not self.sources:
            raise ValueError("a run needs at least one source")


@dataclass
class RunOutcome:
    run_key: int | None
    status: str  # succeeded / failed / interrupted
    summary: RunSummary
    gone: list[str] = field(default_factory=list)
    years_found: dict[int, int] = field(default_factory=dict)  # a backfill: year → forms
    years_missing: list[int] = field(default_factory=list)  # asked for, no form found
    files: list[FileReport] = field(default_factory=list)  # every file read or unreadable
    warehouse: str = ""  # the warehouse URL, password masked

    @property
    def exit_code(self) -> int:
        if self.status == "interrupted":
            return ExitCode.INTERRUPTED
        if self.summary.files_failed:
            return ExitCode.FILES_FAILED
        return ExitCode.YEARS_MISSING if self.years_missing else ExitCode.OK

    def as_dict(self) -> dict[str, Any]:
        return {"run_key": self.run_key, "status": self.status, "exit_code": self.exit_code,
                "summary": asdict(self.summary), "gone": self.gone,
                "years_found": {str(y): n for y, n in sorted(self.years_found.items())},
                "years_missing": self.years_missing, "warehouse": self.warehouse,
                "files": files_table(self.files)}

    def markdown(self) -> str:
        return summary_markdown(self.summary, self.warehouse, self.run_key, self.files,
                                self.years_missing)


def process(engine: sa.Engine, run_key: int, decided: pipeline.Plan, settings: PoolSettings,
            log: RunLog,
            work: Callable[[pipeline.Candidate], pipeline.Prepared] = pipeline.prepare) -> None:
    """Quarantine what could not be read, then ``work`` (extract + validate) in worker
    processes, loading each file as soon as its worker returns (loading overlaps
    extraction)."""
    log.progress.start(len(decided.problems) + len(decided.jobs))
    try:
        pipeline.quarantine_problems(engine, run_key, decided.problems, log)
        jobs = decided.jobs
        with contextlib.closing(run_pool([j.candidate for j in jobs], work,
                                         settings)) as results:
            for index, result in results:
                job = jobs[index]
                if isinstance(result, ItemFailed):
                    item = pipeline.failed(job.candidate, FAILURE_REASONS[result.kind],
                                           result.message)
                else:
                    item = result
                pipeline.load_and_record(engine, run_key, job, item, log)
    finally:
        log.progress.close()


def record_gone(engine: sa.Engine, listing: pipeline.Listing) -> list[str]:
    """Locations under the listed sources that are no longer there (rows kept, reported)."""
    seen = {c.uri for c in listing.candidates} | {p.uri for p in listing.problems}
    with engine.begin() as conn:
        gone, documents = mark_gone(conn, listing.roots, seen)
        refresh_documents(conn, documents)
        refresh_document_uris(conn)
    return gone


@dataclass(frozen=True, slots=True)
class Steps:
    """The run's units of work: plain functions here, Prefect tasks in ``flows.etl``."""

    plan: Callable[[sa.Engine, pipeline.Listing, bool, frozenset[int]],
                   pipeline.Plan] = pipeline.plan
    process: Callable[[sa.Engine, int, pipeline.Plan, PoolSettings, RunLog], None] = process


@contextlib.contextmanager
def shielded() -> Iterator[None]:
    """Let cleanup finish: SIGINT/SIGTERM are held off meanwhile (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _prepare_warehouse(engine: sa.Engine) -> None:
    """The newest schema, and the canonical level classes of the shipped data on every
    indicator already loaded (a spelling added to the data applies without a re-import)."""
    ensure_schema(engine)
    with engine.begin() as conn:
        refresh_level_classes(conn)


def _count_years(engine: sa.Engine, listing: pipeline.Listing, years: frozenset[int],
                 outcome: RunOutcome) -> None:
    """A backfill's answer per year asked for: the forms the listed documents print."""
    with engine.connect() as conn:
        found = years_at(conn, (c.uri for c in listing.candidates))
    outcome.years_found = {y: found[y] for y in sorted(years) if y in found}
    outcome.years_missing = sorted(y for y in years if y not in found)


def _close(engine: sa.Engine, run_key: int, summary: RunSummary, status: str,
           message: str | None, report: Report) -> None:
    """Record the run's outcome and leave SQLite whole; never hides the error that ended
    the run."""
    with shielded():
        try:
            with_retries(lambda: finish_run(engine, run_key, summary, status, message),
                         "closing the load run", RetryPolicy(attempts=2, first_delay_s=0.5))
            checkpoint(engine)
        except (WarehouseUnavailable, sa.exc.SQLAlchemyError) as exc:
            report(f"load run {run_key} not closed: {exc}")


def run_etl(request: RunRequest, steps: Steps = Steps(), report: Report = report_stderr,
            progress: Progress | None = None) -> RunOutcome:
    """List the sources, take the warehouse's run lock, migrate, plan, process, close.

    Raises ``ConfigurationError`` (nothing done), ``WarehouseBusy`` (another run holds the
    lock), ``WarehouseUnavailable`` (the warehouse stayed away; loaded files stay loaded)
    and ``KeyboardInterrupt`` (the run is recorded as ``interrupted``, the file being loaded
    rolled back, workers ended)."""
    listing = pipeline.discover(request.sources)
    engine = make_engine(request.db_url)
    try:
        with_retries(lambda: check_reachable(engine), "connecting", FIRST_CONTACT)
        with run_lock(engine, wait=request.wait):
            with_retries(lambda: _prepare_warehouse(engine), "migrating the warehouse",
                         RetryPolicy())
            run_key = with_retries(lambda: start_run(engine), "opening a load run",
                                   RetryPolicy())
            summary = RunSummary(files_seen=len(listing.candidates) + len(listing.problems))
            outcome = RunOutcome(run_key, "failed", summary,
                                 warehouse=engine.url.render_as_string(hide_password=True))
            message: str | None = None
            try:
                decided = steps.plan(engine, listing, request.force, request.years)
                pipeline.record_plan(engine, run_key, decided)
                summary.files_unchanged = len(decided.unchanged) + len(decided.restamp)
                summary.files_copies = len(decided.copies)
                log = RunLog(summary, report, progress or NoProgress(), outcome.files)
                steps.process(engine, run_key, decided, request.pool, log)
                outcome.gone = record_gone(engine, listing)
                summary.files_gone = len(outcome.gone)
                if request.years:
                    _count_years(engine, listing, request.years, outcome)
                outcome.status = "failed" if summary.files_failed else "succeeded"
            except KeyboardInterrupt:
                outcome.status, message = "interrupted", "stopped by a signal"
                raise
            except Exception as exc:
                message = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                raise
            finally:
                _close(engine, run_key, summary, outcome.status, message, report)
            return outcome
    finally:
        listing.close()
        engine.dispose()
