"""The ``targets-etl`` command line: run, db, quarantine, retry.

Configuration comes from the command line or the environment (``WAREHOUSE_URL``) here, at
the edge, and is passed down; nothing reads it at import time.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import cast

from warehouse.db import DEFAULT_URL


def _db_url(args: argparse.Namespace) -> str:
    return str(args.db or os.environ.get("WAREHOUSE_URL") or DEFAULT_URL)


def cmd_run(args: argparse.Namespace) -> int:
    from flows.etl import etl_flow

    summary = etl_flow(paths=list(args.paths), db_url=_db_url(args), force=args.force,
                       workers=args.workers)
    from warehouse.runs import RunSummary

    print(RunSummary(**summary).line())
    return 1 if summary["files_failed"] else 0


def cmd_db(args: argparse.Namespace) -> int:
    from warehouse.db import current_revision, ensure_schema, head_revision, make_engine

    engine = make_engine(_db_url(args))
    if args.action == "upgrade":
        ensure_schema(engine)
    print(f"warehouse schema: {current_revision(engine) or 'none'} (newest: {head_revision()})")
    return 0


def cmd_quarantine(args: argparse.Namespace) -> int:
    from warehouse.db import ensure_schema, make_engine
    from warehouse.quarantine_report import list_quarantine

    engine = make_engine(_db_url(args))
    ensure_schema(engine)
    rows = list_quarantine(engine, run=args.run, year=args.year, reason=args.reason)
    for row in rows:
        where = " ".join(f"{k}={row[k]}" for k in ("year", "form_index", "row_index", "page",
                                                   "column_name") if row[k] is not None)
        print(f"[{row['reason']}] run {row['load_run_key']} {row['source_uri']} {where}\n"
              f"    {row['message']}")
    print(f"{len(rows)} quarantined item(s)")
    return 0


def cmd_retry(args: argparse.Namespace) -> int:
    from flows.etl import etl_flow
    from warehouse.db import ensure_schema, make_engine
    from warehouse.runs import RunSummary, quarantined_uris

    engine = make_engine(_db_url(args))
    ensure_schema(engine)
    uris = [u for u in quarantined_uris(engine) if os.path.exists(u)]
    if not uris:
        print("nothing to retry: no quarantined file is still on disk")
        return 0
    summary = etl_flow(paths=uris, db_url=_db_url(args), force=True, workers=args.workers)
    print(RunSummary(**summary).line())
    return 1 if summary["files_failed"] else 0


def cmd_backfill(args: argparse.Namespace) -> int:
    from flows.etl import backfill_flow
    from warehouse.runs import RunSummary

    summary = backfill_flow(inbox=args.inbox, years=list(args.year), db_url=_db_url(args))
    print(RunSummary(**summary).line())
    return 1 if summary["files_failed"] else 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the nightly schedule and the on-demand backfill from this process."""
    from prefect import serve
    from prefect.deployments.runner import RunnerDeployment

    from flows.etl import backfill_flow, nightly_flow

    db_url = _db_url(args)
    nightly = nightly_flow.to_deployment(name="nightly", cron=args.cron,
                                         parameters={"inbox": args.inbox, "db_url": db_url})
    backfill = backfill_flow.to_deployment(name="backfill", parameters={
        "inbox": args.inbox, "db_url": db_url, "years": []})
    # to_deployment is sync-compatible: called from sync code it returns the deployment
    serve(cast(RunnerDeployment, nightly), cast(RunnerDeployment, backfill),
          pause_on_shutdown=False)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="targets-etl", description=__doc__)
    parser.add_argument("--db", help=f"warehouse URL (default: $WAREHOUSE_URL or {DEFAULT_URL})")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="load files and directories into the warehouse")
    run.add_argument("paths", nargs="+", help="files, or directories to search for .pdf/.txt")
    run.add_argument("--db", help="warehouse URL", default=argparse.SUPPRESS)
    run.add_argument("--force", action="store_true", help="re-read files even if unchanged")
    run.add_argument("--workers", type=int, default=None, help="extraction processes")
    run.set_defaults(func=cmd_run)

    db = sub.add_parser("db", help="manage the warehouse schema")
    db.add_argument("action", choices=["upgrade", "current"])
    db.add_argument("--db", help="warehouse URL", default=argparse.SUPPRESS)
    db.set_defaults(func=cmd_db)

    q = sub.add_parser("quarantine", help="list what is quarantined")
    q.add_argument("--db", help="warehouse URL", default=argparse.SUPPRESS)
    q.add_argument("--run", type=int, help="only this load run")
    q.add_argument("--year", type=int, help="only this fiscal year")
    q.add_argument("--reason", help="only this reason code")
    q.set_defaults(func=cmd_quarantine)

    backfill = sub.add_parser("backfill", help="re-read past years: INBOX/<year>/ folders, "
                              "even when their files did not change")
    backfill.add_argument("inbox", help="the inbox root holding one folder per year")
    backfill.add_argument("--year", type=int, action="append", required=True,
                          help="a fiscal year to re-read (repeatable)")
    backfill.add_argument("--db", help="warehouse URL", default=argparse.SUPPRESS)
    backfill.set_defaults(func=cmd_backfill)

    serve = sub.add_parser("serve", help="serve the nightly and backfill Prefect deployments")
    serve.add_argument("inbox", help="the inbox root the nightly run reads")
    serve.add_argument("--cron", default="30 2 * * *", help="nightly schedule (cron)")
    serve.add_argument("--db", help="warehouse URL", default=argparse.SUPPRESS)
    serve.set_defaults(func=cmd_serve)

    retry = sub.add_parser("retry", help="re-import quarantined files (after a fix)")
    retry.add_argument("--db", help="warehouse URL", default=argparse.SUPPRESS)
    retry.add_argument("--workers", type=int, default=None)
    retry.set_defaults(func=cmd_retry)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from extractors.errors import TransientError

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except TransientError as exc:
        print(f"targets-etl: {exc}\nNothing half-written: every file is loaded whole or not at "
              "all; run the same command again once the cause is fixed.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
