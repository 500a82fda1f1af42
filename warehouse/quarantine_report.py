"""Reading the quarantine back for people: filters by run, year and reason."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from warehouse.schema import quarantine, source_location


def list_quarantine(engine: sa.Engine, run: int | None = None, year: int | None = None,
                    reason: str | None = None, include_absent: bool = False,
                    ) -> list[dict[str, Any]]:
    """Quarantined items, newest run first, then by file, form and row: by default those of
    documents and files still present at a source (a version whose bytes are nowhere any
    more, e.g. replaced by a fixed file, is history: ``include_absent``)."""
    stmt = sa.select(quarantine)
    if not include_absent:
        loc = source_location
        present_docs = sa.select(loc.c.source_document_key).where(
            loc.c.is_present, loc.c.source_document_key.is_not(None))
        present_locs = sa.select(loc.c.source_location_key).where(loc.c.is_present)
        stmt = stmt.where(sa.or_(quarantine.c.source_document_key.in_(present_docs),
                                 quarantine.c.source_location_key.in_(present_locs)))
    if run is not None:
        stmt = stmt.where(quarantine.c.load_run_key == run)
    if year is not None:
        stmt = stmt.where(quarantine.c.year == year)
    if reason is not None:
        stmt = stmt.where(quarantine.c.reason == reason)
    stmt = stmt.order_by(quarantine.c.load_run_key.desc(), quarantine.c.source_uri,
                         quarantine.c.form_index, quarantine.c.row_index)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]
