"""Pages per second of a whole run (list, plan, extract, load into SQLite) with one worker,
two workers, and a two-worker Dask cluster, on the same generated PDFs::

    .venv/bin/python -m tests.bench.scale_out                 # 200 drawn PDFs
    .venv/bin/python -m tests.bench.scale_out --files 60 --dask-workers 2

Each configuration loads the same files into a fresh SQLite warehouse. The one- and
two-worker runs are plain ``run_etl`` (the local worker pool); the Dask run is the Prefect
flow with ``DaskTaskRunner`` against a ``LocalCluster`` started beforehand (its start-up and
the Prefect server's are not timed: on a real cluster both are already up). Pages are what
the warehouse recorded (``dim_source_document.page_count``), so a run that loaded less does
not look faster. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]


def _loaded_pages(db: Path) -> tuple[int, int]:
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        files, pages = conn.execute(sa.text(
            "SELECT count(*), coalesce(sum(page_count), 0) FROM dim_source_document "
            "WHERE status = 'loaded'")).one()
    engine.dispose()
    return int(files), int(pages)


def _timed(run: Callable[[], object], db: Path) -> tuple[float, int, int]:
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    return (seconds, *_loaded_pages(db))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=200, help="PDFs to generate (default 200)")
    ap.add_argument("--dask-workers", type=int, default=2)
    args = ap.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")

    from distributed import LocalCluster
    from prefect.testing.utilities import prefect_test_harness

    from flows.distributed import DaskSettings
    from flows.etl import WAREHOUSE_ENV, etl_flow
    from flows.run import RunRequest, run_etl, worker_pool
    from tests.bench.pdf_speed import generate

    with tempfile.TemporaryDirectory(prefix="scale-out-") as tmp:
        folder = Path(tmp) / "pdfs"
        folder.mkdir()
        print(f"generating {args.files} PDFs …", flush=True)
        generate(folder, args.files)
        results: list[tuple[str, float, int, int]] = []
        for workers in (1, 2):
            db = Path(tmp) / f"w{workers}.db"
            request = RunRequest((str(folder),), f"sqlite:///{db}", pool=worker_pool(workers))
            results.append((f"{workers} worker{'s' * (workers > 1)}",
                            *_timed(lambda r=request: run_etl(r, report=lambda _: None), db)))
            print(f"  {results[-1][0]}: {results[-1][1]:.1f} s", flush=True)
        with prefect_test_harness(server_startup_timeout=120), LocalCluster(
                n_workers=args.dask_workers, threads_per_worker=1, processes=True,
                host="127.0.0.1", dashboard_address=None) as cluster:
            db = Path(tmp) / "dask.db"
            os.environ[WAREHOUSE_ENV] = f"sqlite:///{db}"
            runner = DaskSettings(address=cluster.scheduler_address).task_runner()
            flow = etl_flow.with_options(task_runner=runner)
            results.append((f"Dask, {args.dask_workers} workers", *_timed(
                lambda: flow(sources=[str(folder)], distributed=True), db)))
        base = results[0][3] / results[0][1]
        print(f"\n{'configuration':<20} {'seconds':>8} {'files':>6} {'pages':>6} "
              f"{'pages/s':>8} {'vs 1 worker':>12}")
        for name, seconds, files, pages in results:
            rate = pages / seconds
            print(f"{name:<20} {seconds:>8.1f} {files:>6} {pages:>6} {rate:>8.1f} "
                  f"{rate / base:>11.2f}x")
        print(f"({os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
