"""Reading the quarantine back for people: filters by run, year and reason."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from warehouse.schema import quarantine


def list_quarantine(engine: sa.Engine, run: int | None = None, year: int | None = None,
                    reason: str | None = None) -> list[dict[str, Any]]:
    """Quarantined items, newest run first, then by file, form and row."""
    stmt = sa.select(quarantine)
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
