"""The ``targets-etl`` command line.

Configuration comes from the command line or the environment (``WAREHOUSE_URL``) here, at
the edge, and is passed down; nothing reads it at import time. Errors a person can fix are
one line on stderr (``--debug`` adds the traceback). Exit codes: 0 every file loaded or
quarantined, 1 some files not processed (the next run retries them), 2 a configuration or
warehouse error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from types import FrameType
from typing import TYPE_CHECKING, Any

from extractors.errors import ConfigurationError, EtlError
from flows.exitcodes import ExitCode
from flows.schedule import DEFAULT_CRON, DEFAULT_TIMEZONE
from transforms.text import printable
from warehouse.db import DEFAULT_URL

if TYPE_CHECKING:
    import sqlalchemy as sa


def _db_url(args: argparse.Namespace) -> str:
    return str(args.db or os.environ.get("WAREHOUSE_URL") or DEFAULT_URL)


def _engine(args: argparse.Namespace) -> sa.Engine:
    from warehouse.db import ensure_schema, make_engine

    engine = make_engine(_db_url(args))
    ensure_schema(engine)
    return engine


def _run(args: argparse.Namespace, sources: Sequence[str], force: bool,
         years: frozenset[int] = frozenset()) -> int:
    """A run, tracked in Prefect when a server is configured (PREFECT_API_URL), else plain;
    either way the same outcome is printed."""
    from flows.run import RunRequest, run_etl, worker_pool
    from warehouse.runs import RunSummary

    if args.dry_run:
        return _dry_run(args, sources, force, years)
    pool = worker_pool(args.workers, args.timeout, args.worker_memory_mb)
    request = RunRequest(tuple(sources), _db_url(args), force=force, wait=args.wait, pool=pool,
                         years=years)
    dask = _dask_settings(args)
    if dask is not None:
        if not os.environ.get("PREFECT_API_URL"):
            print("targets-etl: no PREFECT_API_URL, so Prefect starts a temporary server for "
                  "this Dask run (10-30 s)", file=sys.stderr)
        data = _run_tracked(request, dask)
    elif os.environ.get("PREFECT_API_URL"):
        data = _run_tracked(request)
    else:
        from flows.feedback import progress_for

        data = run_etl(request, progress=progress_for(sys.stderr)).as_dict()
    _print_outcome(RunSummary(**data["summary"]).line(), data["gone"], data, args)
    return int(data["exit_code"])


def _dry_run(args: argparse.Namespace, sources: Sequence[str], force: bool,
             years: frozenset[int]) -> int:
    """What a run would read, skip and quarantine, and why; nothing is read, downloaded or
    written (an SQLite file that does not exist is not created)."""
    import sqlalchemy as sa

    from flows.pipeline import discover, preview
    from warehouse.db import current_revision, head_revision, make_engine

    listing = discover(sources)
    url = sa.make_url(_db_url(args))
    lines: list[Any]
    if url.get_backend_name() == "sqlite" and not os.path.exists(url.database or ""):
        lines = preview(None, listing, force, years)
    else:
        engine = make_engine(str(url.render_as_string(hide_password=False)))
        try:
            revision = current_revision(engine)
            if revision is not None and revision != head_revision():
                raise ConfigurationError(f"the warehouse schema is at {revision}, this code's "
                                         f"at {head_revision()}: `targets-etl db upgrade` "
                                         "first (a run would do it)")
            with engine.connect() as conn:
                lines = preview(conn if revision else None, listing, force, years)
        finally:
            engine.dispose()
    if args.json:
        import json
        from dataclasses import asdict

        print(json.dumps([asdict(p) for p in lines], ensure_ascii=False, indent=2))
        return ExitCode.OK
    for p in lines:
        print(f"would {p.action:<10} {printable(p.uri)}  ({printable(p.why)})")
    counts = {a: sum(p.action == a for p in lines) for a in ("read", "skip", "quarantine")}
    print(f"dry run: {counts['read']} to read, {counts['skip']} unchanged, "
          f"{counts['quarantine']} to quarantine; nothing was read or written")
    return ExitCode.OK


def cmd_runs(args: argparse.Namespace) -> int:
    from warehouse.runs import recent_runs, run_line

    runs = recent_runs(_engine(args), args.limit)
    if args.json:
        import json

        print(json.dumps(runs, default=str, indent=2))
    else:
        for run in runs:
            print(printable(run_line(run)))
        if not runs:
            print("no load run yet")
    return ExitCode.OK


def _dask_settings(args: argparse.Namespace) -> Any:
    address, workers = getattr(args, "dask", None), getattr(args, "dask_workers", None)
    if address is None and workers is None:
        return None
    from flows.distributed import DaskSettings

    return DaskSettings(address, workers, args.worker_memory_mb)


def _run_tracked(request: Any, dask: Any = None) -> dict[str, Any]:
    """The same run as a Prefect flow run (its final state is Failed whenever the exit code
    is not 0); its outcome. The warehouse URL travels by environment, never as a parameter.
    With ``dask`` (``DaskSettings``) extraction runs on that cluster."""
    from flows.etl import WAREHOUSE_ENV, etl_flow

    os.environ[WAREHOUSE_ENV] = request.db_url
    flow = etl_flow if dask is None else etl_flow.with_options(task_runner=dask.task_runner())
    state = flow(sources=list(request.sources), force=request.force,
                 workers=request.pool.workers, wait=request.wait,
                 years=sorted(request.years), distributed=dask is not None,
                 return_state=True)
    data = state.result(raise_on_failure=False)
    if isinstance(data, BaseException):
        raise data
    print(f"tracked as flow run {state.state_details.flow_run_id} (its logs list every "
          "quarantined file; so does `targets-etl quarantine`)")
    return dict(data)


def _print_outcome(line: str, gone: list[str], data: dict[str, Any],
                   args: argparse.Namespace) -> None:
    if getattr(args, "json", False):
        import json

        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for uri in gone[:20]:
        print(f"gone from the source (rows kept; `targets-etl retire` removes them): "
              f"{printable(uri)}")
    if len(gone) > 20:
        print(f"… and {len(gone) - 20} more gone (targets-etl status lists them)")
    for year, forms in data.get("years_found", {}).items():
        print(f"{year}: {forms} form(s) in the listed documents")
    for year in data.get("years_missing", []):
        print(f"{year}: no document under the sources prints a form of this year")
    if data.get("run_key") is not None:
        print(f"warehouse: {data['warehouse']} (load run {data['run_key']}; the views "
              "v_project_year and v_indicator_target show the rows, `targets-etl quarantine "
              f"--run {data['run_key']}` what was set aside)")
    print(line)


def cmd_run(args: argparse.Namespace) -> int:
    return _run(args, args.paths, args.force)


def cmd_db(args: argparse.Namespace) -> int:
    from warehouse import db
    from warehouse.lock import run_lock

    engine = db.make_engine(_db_url(args))
    if args.action == "current":
        db.check_not_ahead(engine)
    elif args.action == "upgrade":
        with run_lock(engine, wait=True):
            db.upgrade(engine, args.revision or "head")
    elif args.revision is None:
        print("db downgrade needs the revision to go down to (base removes everything): "
              f"one of base, {', '.join(db.known_revisions())}", file=sys.stderr)
        return ExitCode.ERROR
    else:
        with run_lock(engine, wait=True):
            db.downgrade(engine, args.revision)
    print(f"warehouse schema: {db.current_revision(engine) or 'none'} "
          f"(newest: {db.head_revision()})")
    return ExitCode.OK


def cmd_quarantine(args: argparse.Namespace) -> int:
    from warehouse.quarantine_report import list_quarantine

    rows = list_quarantine(_engine(args), run=args.run, year=args.year, reason=args.reason,
                           include_absent=args.all)
    for row in rows:
        where = " ".join(f"{k}={row[k]}" for k in ("year", "form_index", "row_index", "page",
                                                   "column_name") if row[k] is not None)
        print(f"[{row['reason']}] run {row['load_run_key']} {printable(row['source_uri'])} "
              f"{printable(where)}\n    {printable(row['message'])}")
    print(f"{len(rows)} quarantined item(s)")
    return ExitCode.OK


def cmd_status(args: argparse.Namespace) -> int:
    from warehouse.status import warehouse_status

    status = warehouse_status(_engine(args))
    for line in status.lines():
        print(printable(line))
    return ExitCode.OK


def cmd_retire(args: argparse.Namespace) -> int:
    from warehouse.lock import run_lock
    from warehouse.status import retire

    engine = _engine(args)
    with run_lock(engine, wait=args.wait):
        for uri in args.uris:
            print(printable(retire(engine, uri)))
    return ExitCode.OK


def cmd_retry(args: argparse.Namespace) -> int:
    from flows.sources import is_remote
    from warehouse.runs import quarantined_uris

    uris = [u for u in quarantined_uris(_engine(args)) if is_remote(u) or os.path.exists(u)]
    if not uris:
        print("nothing to retry: no quarantined file is still in place")
        return ExitCode.OK
    return _run(args, uris, force=True)


def parse_years(spec: str) -> frozenset[int]:
    """``2018-2023``, ``2019,2021`` or both (``2016,2018-2020``) as a set of years."""
    years: set[int] = set()
    for part in filter(None, (p.strip() for p in spec.split(","))):
        first, _, last = part.partition("-")
        try:
            low, high = int(first), int(last or first)
        except ValueError:
            raise ConfigurationError(f"not a year or a range of years: {part!r} (e.g. "
                                     "2018-2023 or 2019,2021)") from None
        if not 1900 < low <= high < 2200:
            raise ConfigurationError(f"not a range of fiscal years: {part!r}")
        years.update(range(low, high + 1))
    if not years:
        raise ConfigurationError("--years names no year (e.g. --years 2018-2023)")
    return frozenset(years)


def cmd_backfill(args: argparse.Namespace) -> int:
    """Re-read the documents of past years, from any source and folder layout: those whose
    forms the warehouse holds for the years are read again, new and changed files as in any
    run (a file's year is known once it is read). With ``--year-folders`` only the
    ``SOURCE/<year>/`` folders are listed."""
    years = parse_years(",".join(args.years))
    sources = list(args.sources)
    if args.year_folders:
        sources = [os.path.join(s, str(y)) for s in sources for y in sorted(years)
                   if os.path.isdir(os.path.join(s, str(y)))]
        if not sources:
            raise ConfigurationError(f"--year-folders: no folder named after {sorted(years)} "
                                     f"under {', '.join(args.sources)}")
    return _run(args, sources, force=args.force, years=years)


def _prefect_server(api_url: str) -> None:
    """Refuse a ``PREFECT_API_URL`` that does not answer: a schedule served against it would
    never fire."""
    import httpx

    try:
        ok = httpx.get(api_url.rstrip("/") + "/health", timeout=5.0).status_code == 200
    except httpx.HTTPError:
        ok = False
    if not ok:
        raise ConfigurationError(f"PREFECT_API_URL={api_url} does not answer: start the server "
                                 "(`prefect server start`) or unset PREFECT_API_URL to keep the "
                                 "schedule in this process")


def cmd_serve(args: argparse.Namespace) -> int:
    """The nightly schedule: as Prefect deployments when a Prefect server is configured
    (PREFECT_API_URL; its scheduler fires them, and the backfill can be triggered from its
    UI), else on this process's own clock (``flows.schedule``)."""
    from flows.schedule import Schedule, serve_forever

    schedule = Schedule(args.cron, args.timezone)
    api_url = os.environ.get("PREFECT_API_URL")
    if api_url:
        _prefect_server(api_url)
        return _serve_deployments(args, schedule)
    from flows.feedback import progress_for, report_stderr
    from flows.run import RunRequest, run_etl, worker_pool

    def nightly() -> str:
        request = RunRequest(tuple(args.sources), _db_url(args), wait=True,
                             pool=worker_pool(args.workers, args.timeout,
                                              args.worker_memory_mb))
        dask = _dask_settings(args)
        if dask is not None:
            from warehouse.runs import RunSummary

            return RunSummary(**_run_tracked(request, dask)["summary"]).line()
        return run_etl(request, progress=progress_for(sys.stderr)).summary.line()

    print(f"scheduling in this process ({schedule.describe()}), loading "
          f"{', '.join(args.sources)} into {_masked(_db_url(args))}; runs are not tracked in "
          "Prefect (set PREFECT_API_URL to a Prefect server for that)", flush=True)
    serve_forever(schedule, nightly, report_stderr)
    return ExitCode.OK


def _masked(url: str) -> str:
    import sqlalchemy as sa

    return sa.make_url(url).render_as_string(hide_password=True)


def _serve_deployments(args: argparse.Namespace, schedule: Any) -> int:
    from prefect import serve
    from prefect.schedules import Cron

    from flows.etl import SOURCE_ENV, WAREHOUSE_ENV, backfill_flow, nightly_flow

    os.environ[SOURCE_ENV] = "\n".join(
        s if "://" in s else os.path.abspath(s) for s in args.sources)
    os.environ[WAREHOUSE_ENV] = _db_url(args)
    nightly = nightly_flow.to_deployment(
        name="nightly", schedule=Cron(schedule.cron, timezone=schedule.timezone))
    backfill = backfill_flow.to_deployment(name="backfill", parameters={"years": []})
    serve(nightly, backfill, pause_on_shutdown=False)  # type: ignore[arg-type]
    return ExitCode.OK


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=argparse.SUPPRESS,
                        help=f"warehouse URL (default: $WAREHOUSE_URL or {DEFAULT_URL})")


def _run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, default=None,
                        help="extraction processes (default: one per core)")
    parser.add_argument("--wait", action="store_true",
                        help="wait for another run on the same warehouse instead of exiting")
    dask = parser.add_mutually_exclusive_group()
    dask.add_argument("--dask", metavar="ADDRESS",
                      help="extract on this Dask scheduler (tcp://host:8786); loading stays "
                      "here, one transaction per file")
    dask.add_argument("--dask-workers", type=int, metavar="N",
                      help="extract on a local Dask cluster of N worker processes")
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                        help="time limit per file (default 300)")
    parser.add_argument("--worker-memory-mb", type=int, default=None, metavar="MB",
                        help="memory limit per extraction worker")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--dry-run", action="store_true",
                        help="list what would be read, skipped or quarantined, and why; "
                        "read and write nothing")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("targets-etl")
    except PackageNotFoundError:
        return "(not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="targets-etl", description=__doc__.split("\n\n")[0],
        epilog="Exit codes: 0 every file loaded or quarantined; 1 some files not processed "
        "(retried next run); 2 configuration or warehouse error; 3 a backfill year without "
        "a document; 130 interrupted. `targets-etl COMMAND --help` shows each command's "
        "options and examples.")
    parser.add_argument("--db", help=f"warehouse URL (default: $WAREHOUSE_URL or {DEFAULT_URL})")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    parser.add_argument("--verbose", action="store_true", help="show library logs")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="load files, folders, web pages and S3 prefixes",
                         epilog="examples: targets-etl run inbox/ --db postgresql://etl@db/wh; "
                         "targets-etl run https://czj.example.gov.cn/gk/list.html "
                         "s3://budget-tables/2024/")
    run.add_argument("paths", nargs="+", metavar="SOURCE",
                     help="a file or folder (searched for .pdf/.txt), an http(s):// page (the "
                     ".pdf/.txt it links) or document, an s3:// prefix")
    run.add_argument("--force", action="store_true", help="re-read files even if unchanged")
    _common(run)
    _run_options(run)
    run.set_defaults(func=cmd_run)

    db = sub.add_parser("db", help="manage the warehouse schema",
                        epilog="examples: targets-etl db current; targets-etl db upgrade --db "
                        "postgresql+psycopg://etl@db/wh; targets-etl db downgrade 0004")
    db.add_argument("action", choices=["upgrade", "downgrade", "current"],
                    help="upgrade to REV (default: newest); downgrade to REV (base: empty); "
                    "current: the warehouse's revision")
    db.add_argument("revision", nargs="?", metavar="REV",
                    help="a revision (0001, 0002, …), base or head")
    _common(db)
    db.set_defaults(func=cmd_db)

    q = sub.add_parser("quarantine", help="list what is quarantined",
                       epilog="examples: targets-etl quarantine --run 12; targets-etl "
                       "quarantine --year 2021 --reason bad_money")
    _common(q)
    q.add_argument("--run", type=int, help="only this load run")
    q.add_argument("--year", type=int, help="only this fiscal year")
    q.add_argument("--reason", help="only this reason code")
    q.add_argument("--all", action="store_true",
                   help="also versions no longer present at any source")
    q.set_defaults(func=cmd_quarantine)

    st = sub.add_parser("status", help="the last runs, and documents gone from their source",
                        epilog="example: targets-etl status --db postgresql+psycopg://etl@db/wh")
    _common(st)
    st.set_defaults(func=cmd_status)

    runs = sub.add_parser("runs", help="recent load runs (from load_run), newest first",
                          epilog="examples: targets-etl runs; targets-etl runs --limit 100 "
                          "--json")
    runs.add_argument("--limit", type=int, default=20, help="how many (default 20)")
    runs.add_argument("--json", action="store_true", help="print them as JSON")
    _common(runs)
    runs.set_defaults(func=cmd_runs)

    retire = sub.add_parser("retire", help="remove a location; a document left with none "
                            "loses its rows (the version before it becomes current again)",
                            epilog="example: targets-etl retire /srv/inbox/2021/withdrawn.pdf")
    retire.add_argument("uris", nargs="+", help="the source_uri of each file to retire")
    retire.add_argument("--wait", action="store_true", help="wait for a running run")
    _common(retire)
    retire.set_defaults(func=cmd_retire)

    backfill = sub.add_parser(
        "backfill", help="re-read the documents of past fiscal years, from any source",
        epilog="examples: targets-etl backfill inbox/ --years 2018-2023; targets-etl backfill "
        "s3://budget-tables/ --years 2019,2021 --force; exit code 3 when a year has no "
        "document under the sources")
    backfill.add_argument("sources", nargs="+", metavar="SOURCE",
                          help="a folder, web page or s3:// prefix, as for run")
    backfill.add_argument("--years", action="append", required=True, metavar="YEARS",
                          help="years to re-read: 2018-2023, 2019,2021 (repeatable)")
    backfill.add_argument("--force", action="store_true",
                          help="re-read every listed file, whatever its year")
    backfill.add_argument("--year-folders", action="store_true",
                          help="list only the SOURCE/<year>/ folders (a speed-up for inboxes "
                          "kept one folder per year)")
    _common(backfill)
    _run_options(backfill)
    backfill.set_defaults(func=cmd_backfill)

    serve = sub.add_parser(
        "serve", help="run the nightly schedule (in this process, or as Prefect deployments "
        "when PREFECT_API_URL names a Prefect server)",
        epilog="examples: targets-etl serve inbox/ --db postgresql+psycopg://etl@db/wh; "
        "targets-etl serve https://czj.example.gov.cn/gk/list.html --cron '0 3 * * 1-5'")
    serve.add_argument("sources", nargs="+", metavar="SOURCE",
                       help="what the nightly run loads, as for run")
    serve.add_argument("--cron", default=DEFAULT_CRON,
                       help=f"when the nightly run fires (default '{DEFAULT_CRON}')")
    serve.add_argument("--timezone", default=DEFAULT_TIMEZONE,
                       help=f"the time zone the cron is read in (default {DEFAULT_TIMEZONE})")
    _common(serve)
    _run_options(serve)
    serve.set_defaults(func=cmd_serve)

    retry = sub.add_parser("retry", help="re-import quarantined files (after a fix)",
                           epilog="example: targets-etl retry --workers 4")
    _common(retry)
    _run_options(retry)
    retry.set_defaults(func=cmd_retry)
    return parser


def _raise_interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _quiet_libraries(verbose: bool) -> None:
    """Prefect's own console output (engine tracebacks, telemetry) stays out of a person's
    terminal unless asked for; its logs still reach the Prefect server."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
    else:
        logging.basicConfig(level=logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _quiet_libraries(args.verbose)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("targets-etl: interrupted; the file being loaded was rolled back, the run is "
              "recorded as interrupted, the next run finishes the work", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except EtlError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"targets-etl: {printable(str(exc))}", file=sys.stderr)
        return ExitCode.ERROR
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        print(f"targets-etl: unexpected {type(exc).__name__}: {printable(str(exc))[:300]} "
              "(--debug shows the traceback)", file=sys.stderr)
        return ExitCode.ERROR


if __name__ == "__main__":
    sys.exit(main())
