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


def _run(args: argparse.Namespace, sources: Sequence[str], force: bool) -> int:
    """A run, tracked in Prefect when a server is configured (PREFECT_API_URL), else plain;
    either way the same outcome is printed."""
    from flows.run import RunRequest, run_etl, worker_pool
    from warehouse.runs import RunSummary

    pool = worker_pool(args.workers, args.timeout, args.worker_memory_mb)
    request = RunRequest(tuple(sources), _db_url(args), force=force, wait=args.wait, pool=pool)
    data = _run_tracked(request) if os.environ.get("PREFECT_API_URL") else (
        run_etl(request).as_dict())
    _print_outcome(RunSummary(**data["summary"]).line(), data["gone"], data, args)
    return int(data["exit_code"])


def _run_tracked(request: Any) -> dict[str, Any]:
    """The same run as a Prefect flow run (its final state is Failed whenever the exit code
    is not 0); its outcome. The warehouse URL travels by environment, never as a parameter."""
    from flows.etl import WAREHOUSE_ENV, etl_flow

    os.environ[WAREHOUSE_ENV] = request.db_url
    state = etl_flow(sources=list(request.sources), force=request.force,
                     workers=request.pool.workers, wait=request.wait, return_state=True)
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
    print(line)


def cmd_run(args: argparse.Namespace) -> int:
    return _run(args, args.paths, args.force)


def cmd_db(args: argparse.Namespace) -> int:
    from warehouse.db import current_revision, head_revision, make_engine
    from warehouse.lock import run_lock

    engine = make_engine(_db_url(args))
    if args.action == "upgrade":
        from warehouse.db import ensure_schema

        with run_lock(engine, wait=True):
            ensure_schema(engine)
    print(f"warehouse schema: {current_revision(engine) or 'none'} (newest: {head_revision()})")
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


def cmd_backfill(args: argparse.Namespace) -> int:
    paths = [os.path.join(args.inbox, str(y)) for y in args.year]
    missing = [p for p in paths if not os.path.isdir(p)]
    if missing:
        raise ConfigurationError(f"no folder for {', '.join(missing)} (the backfill reads "
                                 "INBOX/<year>/)")
    return _run(args, paths, force=True)


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the nightly schedule and the on-demand backfill from this process."""
    from prefect import serve
    from prefect.schedules import Cron

    from flows.etl import SOURCE_ENV, WAREHOUSE_ENV, backfill_flow, nightly_flow

    if not os.environ.get("PREFECT_API_URL"):
        raise ConfigurationError("serve needs a Prefect server that runs schedules: start one "
                                 "with `prefect server start` and set PREFECT_API_URL "
                                 "(e.g. http://127.0.0.1:4200/api)")
    os.environ[SOURCE_ENV] = os.path.abspath(args.inbox)
    os.environ[WAREHOUSE_ENV] = _db_url(args)
    nightly = nightly_flow.to_deployment(name="nightly",
                                         schedule=Cron(args.cron, timezone=args.timezone))
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
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                        help="time limit per file (default 300)")
    parser.add_argument("--worker-memory-mb", type=int, default=None, metavar="MB",
                        help="memory limit per extraction worker")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="targets-etl", description=__doc__.split("\n\n")[0],
        epilog="Exit codes: 0 every file loaded or quarantined; 1 some files not processed "
        "(retried next run); 2 configuration or warehouse error; 130 interrupted.")
    parser.add_argument("--db", help=f"warehouse URL (default: $WAREHOUSE_URL or {DEFAULT_URL})")
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

    db = sub.add_parser("db", help="manage the warehouse schema")
    db.add_argument("action", choices=["upgrade", "current"])
    _common(db)
    db.set_defaults(func=cmd_db)

    q = sub.add_parser("quarantine", help="list what is quarantined")
    _common(q)
    q.add_argument("--run", type=int, help="only this load run")
    q.add_argument("--year", type=int, help="only this fiscal year")
    q.add_argument("--reason", help="only this reason code")
    q.add_argument("--all", action="store_true",
                   help="also versions no longer present at any source")
    q.set_defaults(func=cmd_quarantine)

    st = sub.add_parser("status", help="the last runs, and documents gone from their source")
    _common(st)
    st.set_defaults(func=cmd_status)

    retire = sub.add_parser("retire", help="remove a location; a document left with none "
                            "loses its rows (the version before it becomes current again)")
    retire.add_argument("uris", nargs="+", help="the source_uri of each file to retire")
    retire.add_argument("--wait", action="store_true", help="wait for a running run")
    _common(retire)
    retire.set_defaults(func=cmd_retire)

    backfill = sub.add_parser("backfill", help="re-read past years: INBOX/<year>/ folders, "
                              "even when their files did not change")
    backfill.add_argument("inbox", help="the inbox root holding one folder per year")
    backfill.add_argument("--year", type=int, action="append", required=True,
                          help="a fiscal year to re-read (repeatable)")
    _common(backfill)
    _run_options(backfill)
    backfill.set_defaults(func=cmd_backfill)

    serve = sub.add_parser("serve", help="serve the nightly and backfill Prefect deployments "
                           "(needs a Prefect server: PREFECT_API_URL)")
    serve.add_argument("inbox", help="the inbox root the nightly run reads")
    serve.add_argument("--cron", default="30 2 * * *", help="nightly schedule (cron)")
    serve.add_argument("--timezone", default="Asia/Shanghai", help="the schedule's time zone")
    _common(serve)
    serve.set_defaults(func=cmd_serve)

    retry = sub.add_parser("retry", help="re-import quarantined files (after a fix)")
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
