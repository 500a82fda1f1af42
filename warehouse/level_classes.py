"""Canonical level classes in the warehouse: kept in step with the shipped data.

``dim_indicator.level1_std`` / ``level2_std`` are set when an indicator is first loaded; when
``extractors/profiles/classes/levels.toml`` learns a spelling, :func:`refresh_level_classes`
(run at the start of every run, one grouped read of the distinct headings) updates the rows
already loaded, so no re-import is needed. Headings no class knows stay null and are listed
by :func:`unclassified_headings` (``targets-etl status``).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from extractors.profiles.level_classes import classify_levels
from warehouse.schema import dim_indicator


def refresh_level_classes(conn: sa.Connection) -> int:
    """Set the classes of every distinct heading pair whose stored class differs from what
    the data says now; returns the number of pairs changed."""
    d = dim_indicator
    pairs = conn.execute(sa.select(d.c.level1, d.c.level2, d.c.level1_std, d.c.level2_std)
                         .group_by(d.c.level1, d.c.level2, d.c.level1_std, d.c.level2_std))
    changed = 0
    for level1, level2, std1, std2 in pairs.all():
        now = classify_levels(level1, level2)
        if now != (std1, std2):
            conn.execute(d.update().where(d.c.level1 == level1, d.c.level2 == level2)
                         .values(level1_std=now[0], level2_std=now[1]))
            changed += 1
    return changed


@dataclass(frozen=True, slots=True)
class UnclassifiedHeading:
    level: int
    heading: str
    indicators: int


def unclassified_headings(conn: sa.Connection) -> list[UnclassifiedHeading]:
    """Printed level-1 / level-2 headings with no canonical class, most used first."""
    d = dim_indicator
    out: list[UnclassifiedHeading] = []
    for level, heading, std in ((1, d.c.level1, d.c.level1_std), (2, d.c.level2, d.c.level2_std)):
        rows = conn.execute(sa.select(heading, sa.func.count()).where(std.is_(None))
                            .group_by(heading).order_by(sa.func.count().desc(), heading))
        out += [UnclassifiedHeading(level, str(h), int(n)) for h, n in rows]
    return out
