"""What the warehouse holds and where it came from (``targets-etl status``), and the one
way rows are removed on purpose (``targets-etl retire``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from extractors.errors import ConfigurationError
from warehouse.db import current_revision
from warehouse.level_classes import UnclassifiedHeading, unclassified_headings
from warehouse.load import document_project_years, refresh_current
from warehouse.locations import uri_key
from warehouse.runs import recent_runs, run_line
from warehouse.schema import (
    dim_source_document,
    fact_indicator_target,
    fact_project_year,
    quarantine,
    source_location,
)

#: How many runs and stranded documents ``status`` lists.
RECENT_RUNS = 5
LISTED_STRANDED = 50


@dataclass
class WarehouseStatus:
    revision: str | None
    runs: list[dict[str, object]] = field(default_factory=list)
    documents: dict[str, int] = field(default_factory=dict)
    locations_present: int = 0
    locations_gone: int = 0
    stranded: list[str] = field(default_factory=list)  # current rows, no present location
    quarantined: int = 0
    #: printed level headings no canonical class covers (level1_std / level2_std null)
    unclassified: list[UnclassifiedHeading] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"schema: {self.revision or 'none'}"]
        out += [run_line(r) for r in self.runs]
        docs = ", ".join(f"{n} {s}" for s, n in sorted(self.documents.items())) or "none"
        out.append(f"documents: {docs}")
        out.append(f"locations: {self.locations_present} present, {self.locations_gone} gone")
        out.append(f"quarantined items: {self.quarantined}")
        if self.stranded:
            out.append(f"documents no longer at any source (their rows stay current until "
                       f"`targets-etl retire URI`): {len(self.stranded)}")
            out += [f"  {uri}" for uri in self.stranded[:LISTED_STRANDED]]
        if self.unclassified:
            out.append(f"level headings with no canonical class (add their stem to "
                       f"extractors/profiles/classes/levels.toml): {len(self.unclassified)}")
            out += [f"  level {h.level}: {h.heading} ({h.indicators} indicators)"
                    for h in self.unclassified[:LISTED_STRANDED]]
        return out


def warehouse_status(engine: sa.Engine) -> WarehouseStatus:
    loc, doc, f = source_location, dim_source_document, fact_project_year
    status = WarehouseStatus(current_revision(engine), recent_runs(engine, RECENT_RUNS))
    with engine.connect() as conn:
        status.documents = {s: int(n) for s, n in conn.execute(
            sa.select(doc.c.status, sa.func.count()).group_by(doc.c.status))}
        for present, n in conn.execute(sa.select(loc.c.is_present, sa.func.count())
                                       .group_by(loc.c.is_present)):
            if present:
                status.locations_present = int(n)
            else:
                status.locations_gone = int(n)
        present_somewhere = sa.select(loc.c.source_document_key).where(
            loc.c.is_present, loc.c.source_document_key.is_not(None))
        current = sa.select(f.c.source_document_key).where(f.c.is_current)
        status.stranded = list(conn.execute(
            sa.select(doc.c.uri).where(doc.c.source_document_key.in_(current),
                                       doc.c.source_document_key.not_in(present_somewhere))
            .order_by(doc.c.uri)).scalars())
        status.quarantined = int(conn.execute(sa.select(sa.func.count())
                                              .select_from(quarantine)).scalar_one())
        status.unclassified = unclassified_headings(conn)
    return status


def retire(engine: sa.Engine, uri: str) -> str:
    """Remove the location ``uri``; when it was its document's last one, the document's rows
    go too and the versions they superseded become current again. Returns what was done."""
    loc = source_location
    with engine.begin() as conn:
        row = conn.execute(sa.select(loc.c.source_location_key, loc.c.source_document_key)
                           .where(loc.c.uri_sha256 == uri_key(uri))).first()
        if row is None:
            raise ConfigurationError(f"{uri}: no such location in the warehouse "
                                     "(targets-etl status lists them)")
        conn.execute(quarantine.delete().where(
            quarantine.c.source_location_key == row.source_location_key))
        conn.execute(loc.delete().where(loc.c.source_location_key == row.source_location_key))
        doc_key = row.source_document_key
        if doc_key is None:
            return f"retired {uri} (it held no readable document)"
        others = conn.execute(sa.select(sa.func.count()).select_from(loc)
                              .where(loc.c.source_document_key == doc_key)).scalar_one()
        if others:
            return f"retired {uri}; its document stays: it is at {others} other location(s)"
        pairs = document_project_years(conn, doc_key)
        fact_keys = sa.select(fact_project_year.c.project_year_key).where(
            fact_project_year.c.source_document_key == doc_key)
        n_rows = conn.execute(fact_indicator_target.delete().where(
            fact_indicator_target.c.project_year_key.in_(fact_keys))).rowcount
        conn.execute(fact_project_year.delete().where(
            fact_project_year.c.source_document_key == doc_key))
        conn.execute(quarantine.delete().where(quarantine.c.source_document_key == doc_key))
        conn.execute(dim_source_document.delete().where(
            dim_source_document.c.source_document_key == doc_key))
        refresh_current(conn, pairs)
    return (f"retired {uri}: removed its document ({len(pairs)} project-years, {n_rows} "
            "indicator rows); where an earlier version exists it is current again")
