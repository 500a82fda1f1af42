"""Prefect 3 flows: the main run, the nightly schedule and the backfill of past years.

Flows only wire tasks together; each task gets real work (the whole plan, a batch of files,
a batch of loads), never a page or a row, and "unchanged" is decided in bulk before any
per-file work starts.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import pipeline
from warehouse.db import DEFAULT_URL, WarehouseUnavailable, ensure_schema, make_engine
from warehouse.load import LoadResult
from warehouse.retry import RetryPolicy, with_retries
from warehouse.runs import RunSummary, finish_run, start_run

_ENGINES: dict[str, sa.Engine] = {}


def engine_for(url: str) -> sa.Engine:
    """One engine (and pool) per warehouse URL per process."""
    if url not in _ENGINES:
        _ENGINES[url] = make_engine(url)
    return _ENGINES[url]


@task(name="prepare-warehouse", cache_policy=NO_CACHE)
def prepare_warehouse(db_url: str) -> int:
    """Apply migrations if needed and open a load run."""
    engine = engine_for(db_url)

    def open_run() -> int:
        ensure_schema(engine)
        return start_run(engine)

    return with_retries(open_run, "opening a load run", RetryPolicy())


@task(name="plan", cache_policy=NO_CACHE)
def plan_files(db_url: str, paths: list[str], force: bool) -> tuple[list[str], list[str]]:
    """Decide "unchanged" for every file in bulk, before any per-file work."""
    files = pipeline.discover(Path(p) for p in paths)
    todo, unchanged = with_retries(
        lambda: pipeline.plan(engine_for(db_url), files, force=force),
        "checking which files are unchanged", RetryPolicy())
    return [str(p) for p in todo], [str(p) for p in unchanged]


@task(name="extract-and-validate", cache_policy=NO_CACHE)
def prepare_batch(paths: list[str], workers: int | None) -> list[pipeline.Prepared]:
    return pipeline.prepare_all([Path(p) for p in paths], workers=workers,
                                timeout_s=pipeline.FILE_TIMEOUT_S)


@task(name="load", cache_policy=NO_CACHE)
def load_batch(db_url: str, run_key: int, items: list[pipeline.Prepared]) -> list[
        LoadResult | None]:
    """Load each file in its own transaction, retried while the warehouse does not answer
    (``pipeline.load``); a warehouse that stays away fails the run with that message."""
    engine = engine_for(db_url)
    return [pipeline.load(engine, run_key, item) for item in items]


@task(name="finish-run", cache_policy=NO_CACHE)
def close_run(db_url: str, run_key: int, summary: RunSummary, status: str) -> None:
    """Record the run's outcome; best effort, so it never hides the error that ended a run."""
    try:
        with_retries(lambda: finish_run(engine_for(db_url), run_key, summary, status),
                     "closing the load run", RetryPolicy(attempts=2))
    except WarehouseUnavailable as exc:
        get_run_logger().warning("load run %s not closed: %s", run_key, exc)


@flow(name="targets-etl-run", log_prints=True)
def etl_flow(paths: list[str], db_url: str = DEFAULT_URL, force: bool = False,
             workers: int | None = None, batch_size: int = 200) -> dict[str, int]:
    """Load every .pdf/.txt under ``paths`` into the warehouse at ``db_url``."""
    logger = get_run_logger()
    run_key = prepare_warehouse(db_url)
    todo, unchanged = plan_files(db_url, paths, force)
    summary = RunSummary(files_seen=len(todo) + len(unchanged), files_unchanged=len(unchanged))
    status = "failed"
    try:
        for start in range(0, len(todo), batch_size):
            prepared = prepare_batch(todo[start:start + batch_size], workers)
            for item in prepared:
                for entry in item.file_entries:
                    logger.warning("quarantined %s: [%s] %s", item.path, entry.reason,
                                   entry.message)
                if item.transient:
                    logger.error("not loaded (will be retried next run): %s", item.transient)
            for result in load_batch(db_url, run_key, prepared):
                pipeline.tally(summary, result)
        status = "succeeded" if not summary.files_failed else "failed"
    finally:
        close_run(db_url, run_key, summary, status)
    logger.info(summary.line())
    return summary.as_dict()


@flow(name="targets-etl-nightly", log_prints=True)
def nightly_flow(inbox: str, db_url: str = DEFAULT_URL) -> dict[str, int]:
    """The scheduled run: everything new or changed under the inbox."""
    return etl_flow([inbox], db_url=db_url)


@flow(name="targets-etl-backfill", log_prints=True)
def backfill_flow(inbox: str, years: list[int], db_url: str = DEFAULT_URL,
                  force: bool = True) -> dict[str, int]:
    """Re-read past years: the inbox's ``<year>/`` folders (the inbox convention), re-parsed
    even when their bytes did not change, so a parser fix reaches old files."""
    root = Path(inbox)
    paths = [str(root / str(y)) for y in years if (root / str(y)).is_dir()]
    if not paths:
        get_run_logger().warning("no folder for years %s under %s", years, inbox)
        return RunSummary().as_dict()
    return etl_flow(paths, db_url=db_url, force=force)
