"""Extraction on a Dask cluster, through prefect-dask's ``DaskTaskRunner``.

The flow process lists, plans, reads each file's bytes and loads; Dask workers only turn
bytes into validated rows (``pipeline.prepare_batch``), so a worker on another machine
needs the package installed and nothing else: no shared folder, no warehouse credentials.
Files go out in small batches, as plain Dask tasks on the task runner's client, and each
batch is loaded, one transaction per file, as soon as it comes back, while the others are
still being extracted. Not as one Prefect task per batch: on two cores, the API traffic of
those task runs (and the Prefect server answering it) made two Dask workers only 1.31x one
local worker on 200 PDFs; plain Dask tasks make it 2.07x. The flow run still shows the run
(its logs, and the artifacts listing every file).

On Dask the per-file time limit of the local worker pool does not apply; a batch whose
worker dies (out of memory, killed) is quarantined file by file as ``extract_crashed``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from extractors.errors import ConfigurationError, Reason
from extractors.model import SourceFile
from flows import pipeline
from flows.feedback import RunLog
from flows.pool import PoolSettings

#: Files per Dask task: enough work (about a second for these forms) to dwarf the task's
#: own cost, few enough that two workers stay busy to the end of a 200-file run.
BATCH_FILES = 4
#: What a worker imports when it starts, not on its first batch (``dask worker --preload
#: flows.pipeline`` on other machines): measured on 200 drawn PDFs, two local workers,
#: 26.9 s with it against 37.1 s without.
WORKER_PRELOAD = ("flows.pipeline",)


@dataclass(frozen=True, slots=True)
class DaskSettings:
    """Where extraction runs: an existing scheduler (``address``) or a local cluster of
    ``workers`` processes started for the run."""

    address: str | None = None
    workers: int | None = None
    memory_mb: int | None = None  # per local worker; None: Dask's default share

    def __post_init__(self) -> None:
        if (self.address is None) == (self.workers is None):
            raise ConfigurationError("give either a Dask scheduler address (--dask) or a "
                                     "number of local Dask workers (--dask-workers)")
        if self.workers is not None and self.workers < 1:
            raise ConfigurationError(f"--dask-workers must be at least 1, not {self.workers}")

    def task_runner(self) -> Any:
        """A ``DaskTaskRunner`` for these settings (one thread per worker process: the
        extraction is CPU-bound Python)."""
        from prefect_dask.task_runners import DaskTaskRunner

        if self.address:
            return DaskTaskRunner(address=self.address)
        kwargs: dict[str, Any] = {"n_workers": self.workers, "threads_per_worker": 1,
                                  "processes": True, "dashboard_address": None,
                                  "host": "127.0.0.1", "preload": list(WORKER_PRELOAD)}
        if self.memory_mb:
            kwargs["memory_limit"] = f"{self.memory_mb}MB"
        return DaskTaskRunner(cluster_kwargs=kwargs)


def batches(jobs: Sequence[pipeline.Job], size: int = BATCH_FILES) -> Iterator[
        list[pipeline.Job]]:
    for start in range(0, len(jobs), size):
        yield list(jobs[start:start + size])


def process_on_task_runner(engine: sa.Engine, run_key: int, decided: pipeline.Plan,
                           settings: PoolSettings, log: RunLog) -> None:
    """The run's files through the flow's task runner (Dask): read here, extracted there in
    batches, loaded here as each batch completes. ``settings`` (the local pool's) is unused:
    the cluster has its own workers and limits."""
    from distributed import as_completed

    client = _task_runner_client()

    log.progress.start(len(decided.problems) + len(decided.jobs))
    try:
        pipeline.quarantine_problems(engine, run_key, decided.problems, log)
        pending: dict[Any, list[pipeline.Job]] = {}
        for batch in batches(decided.jobs, BATCH_FILES):
            payload: list[tuple[SourceFile, bytes]] = []
            sent: list[pipeline.Job] = []
            for job in batch:
                read = pipeline.read_candidate(job.candidate)
                if isinstance(read, pipeline.Prepared):  # unreadable here: never sent
                    pipeline.load_and_record(engine, run_key, job, read, log)
                else:
                    payload.append(read)
                    sent.append(job)
            if payload:
                pending[client.submit(pipeline.prepare_batch, payload, pure=False)] = sent
        done = as_completed(list(pending), loop=client.loop)  # type: ignore[no-untyped-call]
        for future in done:
            sent = pending.pop(future)
            try:
                items = future.result()
            except Exception as exc:  # the worker died or the task could not run
                items = [pipeline.failed(job.candidate, Reason.EXTRACT_CRASHED,
                                         f"the Dask task extracting it failed: "
                                         f"{type(exc).__name__}: {exc}") for job in sent]
            for job, item in zip(sent, items, strict=True):
                pipeline.load_and_record(engine, run_key, job, item, log)
    finally:
        log.progress.close()


def _task_runner_client() -> Any:
    """The Dask client of the running flow's ``DaskTaskRunner`` (it starts or connects to
    the cluster on first use, and closes both when the flow run ends)."""
    from prefect.context import FlowRunContext

    context = FlowRunContext.get()
    runner = context.task_runner if context else None
    if runner is None or not hasattr(runner, "client"):
        raise ConfigurationError("distributed extraction needs a flow run whose task runner "
                                 "is a DaskTaskRunner")
    return runner.client
