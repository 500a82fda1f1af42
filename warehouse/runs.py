"""The load-run audit table and the bulk "unchanged" decision."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import sqlalchemy as sa

from warehouse.load import now
from warehouse.schema import dim_source_document, load_run


@dataclass
class RunSummary:
    """What one run did; printed by the CLI and stored in ``load_run``."""

    files_seen: int = 0
    files_loaded: int = 0
    files_partial: int = 0
    files_unchanged: int = 0
    files_quarantined: int = 0
    files_failed: int = 0
    project_rows: int = 0
    indicator_rows: int = 0
    quarantine_rows: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def line(self) -> str:
        return (f"files: {self.files_seen} seen, {self.files_loaded} loaded, "
                f"{self.files_partial} loaded with quarantined parts, "
                f"{self.files_unchanged} unchanged, {self.files_quarantined} quarantined, "
                f"{self.files_failed} failed; rows: {self.project_rows} project-years, "
                f"{self.indicator_rows} indicator targets, {self.quarantine_rows} quarantined")


def start_run(engine: sa.Engine) -> int:
    with engine.begin() as conn:
        result = conn.execute(load_run.insert().values(started_at=now(), status="running")
                              .returning(load_run.c.load_run_key))
        return int(result.scalar_one())


def finish_run(engine: sa.Engine, run_key: int, summary: RunSummary, status: str,
               message: str | None = None) -> None:
    with engine.begin() as conn:
        conn.execute(load_run.update().where(load_run.c.load_run_key == run_key).values(
            finished_at=now(), status=status, message=message,
            files_seen=summary.files_seen,
            files_loaded=summary.files_loaded + summary.files_partial,
            files_unchanged=summary.files_unchanged,
            files_quarantined=summary.files_quarantined,
            project_rows=summary.project_rows, indicator_rows=summary.indicator_rows,
            quarantine_rows=summary.quarantine_rows))


def known_documents(engine: sa.Engine, uris: Iterable[str]) -> dict[str, tuple[str, str]]:
    """``uri → (sha256, status)`` of the files the warehouse already has, in one query per
    500 files."""
    wanted = list(uris)
    out: dict[str, tuple[str, str]] = {}
    with engine.connect() as conn:
        for start in range(0, len(wanted), 500):
            rows = conn.execute(sa.select(dim_source_document.c.uri, dim_source_document.c.sha256,
                                          dim_source_document.c.status)
                                .where(dim_source_document.c.uri.in_(wanted[start:start + 500])))
            out.update({uri: (sha, status) for uri, sha, status in rows})
    return out


def quarantined_uris(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(dim_source_document.c.uri).where(
            dim_source_document.c.status.in_(["quarantined", "partial"]))
            .order_by(dim_source_document.c.uri)).scalars())
