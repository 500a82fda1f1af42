"""Pages per second of a whole run (list, plan, extract, load into SQLite) with one worker,
two workers, and a two-worker Dask cluster, on the same generated PDFs::

    .venv/bin/python -m tests.bench.scale_out                 # 200 drawn PDFs
    .venv/bin/python -m tests.bench.scale_out --files 60 --dask-workers 2

Each configuration loads the same files into a fresh SQLite warehouse. The one- and
two-worker runs are plain ``run_etl`` (the local worker pool); the Dask run is the Prefect
flow with ``DaskTaskRunner`` against a ``LocalCluster`` started beforehand, its workers
preloading the pipeline as ``dask worker --preload flows.pipeline`` does (its start-up and
the Prefect server's are not timed: on a real cluster both are already up). Pages are what
the warehouse recorded (``dim_source_document.page_count``), so a run that loaded less does
not look faster. The configurations run in interleaved rounds and the best time of each is
reported (the least disturbed, as in ``pdf_speed``), with the median. Not a test: timings
depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
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
    ap.add_argument("--repeat", type=int, default=3, help="interleaved rounds (default 3)")
    args = ap.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")

    from distributed import LocalCluster
    from prefect.testing.utilities import prefect_test_harness

    from flows.distributed import WORKER_PRELOAD, DaskSettings
    from flows.etl import WAREHOUSE_ENV, etl_flow
    from flows.run import RunRequest, run_etl, worker_pool
    from tests.bench.pdf_speed import generate

    with tempfile.TemporaryDirectory(prefix="scale-out-") as tmp, prefect_test_harness(
            server_startup_timeout=120), LocalCluster(
                n_workers=args.dask_workers, threads_per_worker=1, processes=True,
                host="127.0.0.1", dashboard_address=None,
                preload=list(WORKER_PRELOAD)) as cluster:
        folder = Path(tmp) / "pdfs"
        folder.mkdir()
        print(f"generating {args.files} PDFs …", flush=True)
        generate(folder, args.files)
        runner = DaskSettings(address=cluster.scheduler_address).task_runner()
        dask_flow = etl_flow.with_options(task_runner=runner)

        def plain(workers: int, db: Path) -> object:
            request = RunRequest((str(folder),), f"sqlite:///{db}", pool=worker_pool(workers))
            return run_etl(request, report=lambda _: None)

        def on_dask(db: Path) -> object:
            os.environ[WAREHOUSE_ENV] = f"sqlite:///{db}"
            return dask_flow(sources=[str(folder)], distributed=True)

        configs: list[tuple[str, Callable[[Path], object]]] = [
            ("1 worker", lambda db: plain(1, db)), ("2 workers", lambda db: plain(2, db)),
            (f"Dask, {args.dask_workers} workers", on_dask)]
        times: dict[str, list[float]] = {name: [] for name, _ in configs}
        loaded: dict[str, tuple[int, int]] = {}
        for round_ in range(args.repeat):
            for name, run in configs:  # interleaved: drift on a shared machine hits all alike
                db = Path(tmp) / f"round{round_}-{len(times[name])}-{name[:4]}.db"
                seconds, files, pages = _timed(lambda r=run, d=db: r(d), db)
                times[name].append(seconds)
                loaded[name] = (files, pages)
                print(f"  round {round_ + 1}: {name}: {seconds:.1f} s", flush=True)
        base = loaded["1 worker"][1] / min(times["1 worker"])
        print(f"\n{'configuration':<20} {'best s':>7} {'median s':>9} {'files':>6} {'pages':>6} "
              f"{'pages/s':>8} {'vs 1 worker':>12}")
        for name, _ in configs:
            files, pages = loaded[name]
            rate = pages / min(times[name])
            print(f"{name:<20} {min(times[name]):>7.1f} {statistics.median(times[name]):>9.1f} "
                  f"{files:>6} {pages:>6} {rate:>8.1f} {rate / base:>11.2f}x")
        print(f"({os.cpu_count()} cores; best of {args.repeat} interleaved rounds)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
