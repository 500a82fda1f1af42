"""The load-run audit table: one row per run, and what ``retry`` reads again."""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import asdict, dataclass

import sqlalchemy as sa

from warehouse.load import now
from warehouse.schema import dim_source_document, load_run, quarantine, source_location


@dataclass
class RunSummary:
    """What one run did; printed by the CLI and stored in ``load_run``."""

    files_seen: int = 0
    files_loaded: int = 0
    files_partial: int = 0
    files_unchanged: int = 0
    files_copies: int = 0  # same bytes as a document already loaded: a new location only
    files_quarantined: int = 0
    files_failed: int = 0  # not processed this time (a transient fault): the next run retries
    files_gone: int = 0  # locations seen before under the listed sources, missing now
    project_rows: int = 0
    indicator_rows: int = 0
    quarantine_rows: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def line(self) -> str:
        parts = [f"{self.files_seen} seen", f"{self.files_loaded} loaded"]
        optional = [(self.files_partial, "loaded with quarantined parts"),
                    (self.files_unchanged, "unchanged"),
                    (self.files_copies, "copies of loaded documents"),
                    (self.files_quarantined, "quarantined"), (self.files_failed, "failed"),
                    (self.files_gone, "gone from the source")]
        parts += [f"{n} {what}" for n, what in optional if n]
        return (f"files: {', '.join(parts)}; rows: {self.project_rows} project-years, "
                f"{self.indicator_rows} indicator targets, {self.quarantine_rows} quarantined")


def start_run(engine: sa.Engine) -> int:
    """Open a load run. Callers hold the warehouse's run lock, so any run still marked
    ``running`` belongs to a process that is gone: it is marked ``interrupted``."""
    with engine.begin() as conn:
        conn.execute(load_run.update().where(load_run.c.status == "running").values(
            status="interrupted", finished_at=now(),
            message="the process ended before the run finished"))
        result = conn.execute(load_run.insert().values(
            started_at=now(), status="running", host=socket.gethostname()[:255],
            pid=os.getpid()).returning(load_run.c.load_run_key))
        return int(result.scalar_one())


def finish_run(engine: sa.Engine, run_key: int, summary: RunSummary, status: str,
               message: str | None = None) -> None:
    with engine.begin() as conn:
        conn.execute(load_run.update().where(load_run.c.load_run_key == run_key).values(
            finished_at=now(), status=status, message=message,
            files_seen=summary.files_seen,
            files_loaded=summary.files_loaded + summary.files_partial,
            files_unchanged=summary.files_unchanged + summary.files_copies,
            files_quarantined=summary.files_quarantined,
            files_failed=summary.files_failed, files_gone=summary.files_gone,
            project_rows=summary.project_rows, indicator_rows=summary.indicator_rows,
            quarantine_rows=summary.quarantine_rows))


def quarantined_uris(engine: sa.Engine) -> list[str]:
    """Present locations of quarantined (or partly quarantined) documents, and present
    locations that could not be read: what ``retry`` reads again."""
    loc, doc = source_location, dim_source_document
    with engine.connect() as conn:
        return list(conn.execute(
            sa.select(loc.c.uri).select_from(loc.outerjoin(
                doc, doc.c.source_document_key == loc.c.source_document_key))
            .where(loc.c.is_present, sa.or_(doc.c.status.in_(["quarantined", "partial"]),
                                            loc.c.source_document_key.is_(None),
                                            loc.c.source_location_key.in_(
                                                sa.select(quarantine.c.source_location_key))))
            .order_by(loc.c.uri)).scalars())


def recent_runs(engine: sa.Engine, limit: int = 20) -> list[dict[str, object]]:
    """The newest ``limit`` load runs, newest first, as plain dicts (for printing or JSON)."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(load_run).order_by(load_run.c.load_run_key.desc())
                            .limit(limit)).mappings().all()
    return [dict(r) for r in rows]


def run_line(run: dict[str, object]) -> str:
    """One load run on one line: when, how long, what it did, where it ran."""
    started, finished = run["started_at"], run["finished_at"]
    took = ""
    if isinstance(started, dt.datetime) and isinstance(finished, dt.datetime):
        took = f", {(finished - started).total_seconds():.1f} s"
    line = (f"run {run['load_run_key']}: {run['status']}, started "
            f"{started:%Y-%m-%d %H:%M:%S}{took}; {run['files_seen']} seen, "
            f"{run['files_loaded']} loaded, {run['files_unchanged']} unchanged, "
            f"{run['files_quarantined']} quarantined, {run['files_failed']} failed, "
            f"{run['files_gone']} gone; {run['project_rows']} project-years, "
            f"{run['indicator_rows']} indicator targets")
    if run.get("host"):
        line += f"; on {run['host']} (pid {run['pid']})"
    if run.get("message"):
        line += f"; {run['message']}"
    return line
