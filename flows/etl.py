"""Prefect 3 flows: a tracked run, the nightly schedule and the backfill of past years.

Flows only wire: each hands ``flows.run.run_etl`` the pipeline's steps wrapped as tasks
(``plan``; ``extract-and-load``, which streams files through the worker pool), so a task
gets real work and "unchanged" is decided in bulk before any per-file work starts.

No parameter names a warehouse or a path: the warehouse URL comes from ``WAREHOUSE_URL``
and the source of scheduled runs from ``TARGETS_ETL_SOURCE`` in the environment of the
process that runs the flow (the CLI, ``targets-etl serve`` or a Prefect worker). A caller
of the Prefect API can therefore not point a run at another database or folder, and no
password is ever stored in a flow run's parameters.
"""

from __future__ import annotations

import os
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State
from prefect.states import Failed

from flows import pipeline
from flows.distributed import process_on_task_runner
from flows.feedback import LineProgress, files_table
from flows.run import RunOutcome, RunRequest, Steps, process, run_etl, worker_pool
from warehouse.db import DEFAULT_URL

SOURCE_ENV = "TARGETS_ETL_SOURCE"
WAREHOUSE_ENV = "WAREHOUSE_URL"

plan_task = task(name="plan", cache_policy=NO_CACHE)(pipeline.plan)
process_task = task(name="extract-and-load", cache_policy=NO_CACHE)(process)
PREFECT_STEPS = Steps(plan=plan_task, process=process_task)
#: Extraction on the flow's task runner's Dask cluster (a DaskTaskRunner).
DISTRIBUTED_STEPS = Steps(plan=plan_task, process=process_on_task_runner)


def _warehouse_url() -> str:
    return os.environ.get(WAREHOUSE_ENV) or DEFAULT_URL


def _configured_sources() -> list[str]:
    """The sources of scheduled runs: ``TARGETS_ETL_SOURCE``, one folder, page or prefix per
    line."""
    sources = [s.strip() for s in os.environ.get(SOURCE_ENV, "").splitlines() if s.strip()]
    if not sources:
        raise ValueError(f"{SOURCE_ENV} is not set: the scheduled flows read what they load "
                         "from the environment of the process that serves them")
    return sources


def publish_artifacts(outcome: RunOutcome) -> None:
    """The run's summary (Markdown) and its files (a table: status, reason, rows) on the
    flow run, where the Prefect UI shows them."""
    create_markdown_artifact(outcome.markdown(), key="targets-etl-summary",
                             description=outcome.summary.line())
    if outcome.files:
        create_table_artifact(files_table(outcome.files), key="targets-etl-files",
                              description="every file this run read or could not read")


def tracked_run(request: RunRequest, steps: Steps = PREFECT_STEPS) -> dict[str, Any] | State:
    """Run (inside a flow) and return the outcome; a run whose exit code is not 0 ends
    ``Failed``, so an alert on failed flow runs fires."""
    logger = get_run_logger()
    outcome = run_etl(request, steps, report=logger.warning,
                      progress=LineProgress(emit=logger.info))
    logger.info(outcome.summary.line())
    publish_artifacts(outcome)
    if outcome.exit_code:
        return Failed(message=outcome.summary.line(), data=outcome.as_dict())
    return outcome.as_dict()


@flow(name="targets-etl-run", log_prints=True)
def etl_flow(sources: list[str], force: bool = False, workers: int | None = None,
             wait: bool = False, years: list[int] | None = None,
             distributed: bool = False) -> dict[str, Any] | State:
    """Load every .pdf/.txt of ``sources`` into the warehouse named by WAREHOUSE_URL
    (``years``: read those years' documents again, as a backfill does). ``distributed``:
    extract on the flow's task runner (``etl_flow.with_options(task_runner=
    DaskTaskRunner(...))``) instead of this process's worker pool."""
    return tracked_run(RunRequest(tuple(sources), _warehouse_url(), force=force, wait=wait,
                                  pool=worker_pool(workers), years=frozenset(years or ())),
                       DISTRIBUTED_STEPS if distributed else PREFECT_STEPS)


@flow(name="targets-etl-nightly", log_prints=True)
def nightly_flow() -> dict[str, Any] | State:
    """The scheduled run: everything new or changed in the configured sources."""
    return tracked_run(RunRequest(tuple(_configured_sources()), _warehouse_url(), wait=True))


@flow(name="targets-etl-backfill", log_prints=True)
def backfill_flow(years: list[int], force: bool = False) -> dict[str, Any] | State:
    """Re-read past years from the configured sources, whatever their folder layout: the
    documents whose forms are of those years are parsed again even when their bytes did not
    change (so a parser fix reaches old files); ``force`` re-reads every file. Ends Failed
    when a year has no document."""
    if not years:
        return Failed(message="a backfill needs the years to re-read (parameter years)")
    return tracked_run(RunRequest(tuple(_configured_sources()), _warehouse_url(), force=force,
                                  wait=True, years=frozenset(years)))
