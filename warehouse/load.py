"""Loading one source document: one transaction, all or nothing.

In that transaction: the document's registry row (``dim_source_document``), its dimensions
upserted on natural keys, its facts replaced, its quarantine rows replaced. A crash or a
lost connection half-way leaves the previous state; the next run loads the file again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import sqlalchemy as sa

from extractors.model import ExtractedDocument, SourceFile
from transforms.quarantine import QuarantineEntry
from transforms.validate import Validated
from warehouse.dialects import writer_for
from warehouse.locations import (
    Sighting,
    clear_location_quarantine,
    documents_at,
    location_key,
    record_sightings,
)
from warehouse.schema import (
    dim_indicator,
    dim_project,
    dim_source_document,
    dim_unit,
    dim_year,
    fact_indicator_target,
    fact_project_year,
    quarantine,
    source_location,
)

Status = Literal["loaded", "partial", "quarantined"]
PROJECT_FACT_COLUMNS = (
    "annual_budget_yuan", "supervising_dept", "project_category", "performance_type",
    "planned_start", "planned_end",
    "includes_gov_procurement", "total_budget_yuan", "current_year_budget_yuan",
    "prior_year_budget_yuan", "prior_year_executed_yuan", "fiscal_appropriation_yuan",
    "other_funds_yuan", "overview", "basis", "necessity", "overall_goal",
    "unit_code", "supervising_dept_code", "project_attribute", "project_period",
    "long_term_goal", "mid_term_budget_yuan", "carryover_yuan", "measures",
    "implementation_plan", "extra_fields",
)
TARGET_FACT_COLUMNS = ("target_raw", "target_operator", "target_value", "target_value_high",
                       "target_unit", "target_text", "source_page", "period", "weight",
                       "remarks", "explanation", "extra")


@dataclass(frozen=True, slots=True)
class LoadResult:
    uri: str
    status: Status
    project_rows: int
    indicator_rows: int
    quarantine_rows: int


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _plain(value: Any) -> Any:
    """pandas/numpy scalars to what DB drivers accept (NaN/NaT → None)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):
        return value.item()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _cells(values: pd.Series) -> list[Any]:
    """A column as plain Python values for the driver, NaN/NaT/NA as None (column-wise: a
    per-cell conversion was most of the load time of a large document)."""
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "fiub":
        return [None if v != v else v for v in values.tolist()]
    if isinstance(dtype, np.dtype) and dtype.kind == "M":
        return [None if v is pd.NaT else v.date() for v in values.tolist()]
    return list(values.to_numpy(dtype=object, na_value=None))  # type: ignore[call-overload]


def upsert_source_document(conn: sa.Connection, source: SourceFile, run_key: int,
                           doc: ExtractedDocument | None, status: Status) -> int:
    """The registry row of a document, by its bytes; inserted or updated in place (its key
    never changes). ``uri`` is where it was just read."""
    values: dict[str, Any] = {
        "uri": source.uri,
        "file_name": source.uri.replace("\\", "/").rsplit("/", 1)[-1],
        "size_bytes": source.size_bytes,
        "format": doc.format if doc else None,
        "text_style": doc.text_style if doc else None,
        "encoding": doc.encoding if doc else None,
        "layout": ",".join(sorted({f.layout for f in doc.forms})) if doc and doc.forms else None,
        "page_count": doc.page_count if doc else None,
        "form_count": len(doc.forms) if doc else 0,
        "status": status, "load_run_key": run_key, "loaded_at": now(),
    }
    existing = conn.execute(sa.select(dim_source_document.c.source_document_key)
                            .where(dim_source_document.c.sha256 == source.sha256)).scalar()
    if existing is None:
        result = conn.execute(dim_source_document.insert()
                              .values(sha256=source.sha256, **values)
                              .returning(dim_source_document.c.source_document_key))
        return int(result.scalar_one())
    conn.execute(dim_source_document.update()
                 .where(dim_source_document.c.source_document_key == existing).values(**values))
    return int(existing)


ProjectYear = tuple[int, int]


def document_project_years(conn: sa.Connection, document_key: int) -> set[ProjectYear]:
    f = fact_project_year
    return {(int(p), int(y)) for p, y in conn.execute(
        sa.select(f.c.project_key, f.c.year_key).where(f.c.source_document_key == document_key))}


def clear_document(conn: sa.Connection, document_key: int) -> None:
    """Remove a document's facts and quarantine rows before they are written again."""
    project_years = sa.select(fact_project_year.c.project_year_key).where(
        fact_project_year.c.source_document_key == document_key)
    conn.execute(fact_indicator_target.delete().where(
        fact_indicator_target.c.project_year_key.in_(project_years)))
    conn.execute(fact_project_year.delete().where(
        fact_project_year.c.source_document_key == document_key))
    conn.execute(quarantine.delete().where(quarantine.c.source_document_key == document_key))


def drop_empty_orphans(conn: sa.Connection, document_keys: Iterable[int]) -> None:
    """A document whose bytes were replaced at their only location and that contributed no
    rows (it was quarantined whole) is gone for good: its record and quarantine go with it.
    A document with rows stays (a superseded version, or stranded until ``retire``)."""
    doc = dim_source_document
    for doc_key in document_keys:
        located = sa.exists().where(source_location.c.source_document_key == doc_key)
        has_rows = sa.exists().where(fact_project_year.c.source_document_key == doc_key)
        conn.execute(quarantine.delete().where(quarantine.c.source_document_key == doc_key,
                                               ~located, ~has_rows))
        conn.execute(doc.delete().where(doc.c.source_document_key == doc_key, ~located,
                                        ~has_rows))


def refresh_current(conn: sa.Connection, pairs: Iterable[ProjectYear]) -> None:
    """For each project-year, the current version comes from the document loaded last
    (highest key) among those still present at a source; only when none is present, from
    the one loaded last. Two statements, so the unique index on current rows holds."""
    f, loc = fact_project_year, source_location
    wanted = sorted(set(pairs))
    for start in range(0, len(wanted), 200):
        chunk = wanted[start:start + 200]
        in_chunk = sa.tuple_(f.c.project_key, f.c.year_key).in_(chunk)
        conn.execute(f.update().where(in_chunk, f.c.is_current).values(is_current=False))
        f2 = f.alias("f2")
        same = (f2.c.project_key == f.c.project_key, f2.c.year_key == f.c.year_key)
        present = sa.exists().where(loc.c.source_document_key == f2.c.source_document_key,
                                    loc.c.is_present)
        latest = sa.func.coalesce(
            sa.select(sa.func.max(f2.c.source_document_key)).where(*same, present)
            .scalar_subquery(),
            sa.select(sa.func.max(f2.c.source_document_key)).where(*same).scalar_subquery())
        conn.execute(f.update().where(in_chunk, f.c.source_document_key == latest)
                     .values(is_current=True))


def refresh_documents(conn: sa.Connection, document_keys: Iterable[int]) -> None:
    """Re-decide the current versions of every project-year these documents print (after
    their presence at a source changed)."""
    pairs: set[ProjectYear] = set()
    for doc_key in set(document_keys):
        pairs |= document_project_years(conn, doc_key)
    refresh_current(conn, pairs)


def upsert_dimensions(conn: sa.Connection, projects: pd.DataFrame,
                      indicators: pd.DataFrame) -> tuple[dict[int, tuple[int, int, int]],
                                                         dict[str, int]]:
    """Dimension keys for every form (``form_index → (unit, project, year)``) and indicator
    (natural key → key). Natural keys come with the frames (``transforms.frames``)."""
    writer = writer_for(conn)
    units = dict(zip(projects["unit_nk"], projects["unit_name"], strict=True))
    unit_keys = writer.insert_missing(conn, dim_unit, [
        {"natural_key": k, "unit_name": v} for k, v in units.items()], "natural_key", "unit_key")
    project_rows = {nk: {"natural_key": nk, "unit_key": unit_keys[u], "project_name": p}
                    for nk, u, p in zip(projects["project_nk"], projects["unit_nk"],
                                        projects["project_name"], strict=True)}
    project_keys = writer.insert_missing(conn, dim_project, list(project_rows.values()),
                                         "natural_key", "project_key")
    years = {int(y) for y in projects["year"]}
    writer.insert_missing(conn, dim_year, [{"year_key": y, "year": y} for y in years], "year",
                          "year_key")
    forms = {int(i): (unit_keys[u], project_keys[p], int(y)) for i, u, p, y in
             zip(projects["form_index"], projects["unit_nk"], projects["project_nk"],
                 projects["year"], strict=True)}
    layout_of = dict(zip(projects["form_index"], projects["layout"], strict=True))
    names = ("level1", "level2", "level3", "level1_std", "level2_std")
    ind_rows = {nk: {"natural_key": nk, "layout": layout_of[form],
                     **dict(zip(names, levels, strict=True))}
                for nk, form, *levels in zip(
                    indicators["indicator_nk"].tolist(), indicators["form_index"].tolist(),
                    *(_cells(indicators[c]) for c in names), strict=True)}
    return forms, writer.insert_missing(conn, dim_indicator, list(ind_rows.values()),
                                        "natural_key", "indicator_key")


def quarantine_rows(entries: Sequence[QuarantineEntry], uri: str, sha256: str | None,
                    run_key: int, document_key: int | None = None,
                    location_key: int | None = None) -> list[dict[str, Any]]:
    stamp = now()
    return [{
        "load_run_key": run_key, "source_uri": uri, "source_sha256": sha256,
        "source_document_key": document_key, "source_location_key": location_key,
        "scope": e.scope, "stage": e.stage, "reason": e.reason, "message": e.message,
        "year": e.year,
        "form_index": e.form_index, "row_index": e.row_index, "page": e.page,
        "column_name": e.column, "check_name": e.check, "failing_value": e.value,
        "quarantined_at": stamp,
    } for e in entries]


def quarantine_location(engine: sa.Engine, run_key: int, location: Sighting,
                        entries: Sequence[QuarantineEntry]) -> LoadResult:
    """A listed file whose bytes could not be read: the location is recorded (keeping the
    document it had, if any) with its quarantine rows, replacing the previous ones."""
    with engine.begin() as conn:
        clear_location_quarantine(conn, location.uri)
        record_sightings(conn, run_key, [location])
        key = location_key(conn, location.uri)
        rows = quarantine_rows(entries, location.uri, None, run_key, location_key=key)
        conn.execute(quarantine.insert(), rows)
    return LoadResult(location.uri, "quarantined", 0, 0, len(rows))


def load_document(engine: sa.Engine, run_key: int, source: SourceFile,
                  doc: ExtractedDocument | None, validated: Validated | None,
                  file_entries: Sequence[QuarantineEntry] = (),
                  locations: Sequence[Sighting] = ()) -> LoadResult:
    """Write one document (or its quarantine) and the locations it was found at (where it
    was read first), in a single transaction; the project-years it prints become current."""
    entries = list(file_entries) + (validated.quarantine if validated else [])
    projects = validated.projects if validated else pd.DataFrame()
    indicators = validated.indicators if validated else pd.DataFrame()
    with engine.begin() as conn:
        doc_key = upsert_source_document(conn, source, run_key, doc, "quarantined")
        affected = document_project_years(conn, doc_key)
        clear_document(conn, doc_key)
        forms: dict[int, tuple[int, int, int]] = {}
        ind_keys: dict[str, int] = {}
        if len(projects):
            forms, ind_keys = upsert_dimensions(conn, projects, indicators)
        py_keys = _insert_project_facts(conn, doc_key, projects, forms)
        affected |= {(p, y) for _, p, y in (forms[i] for i in py_keys)}
        n_ind = _insert_indicator_facts(conn, indicators, py_keys, ind_keys)
        rows = quarantine_rows(entries, source.uri, source.sha256, run_key,
                               document_key=doc_key)
        if rows:
            conn.execute(quarantine.insert(), rows)
        status: Status = ("quarantined" if not py_keys else
                          "partial" if entries else "loaded")
        conn.execute(dim_source_document.update()
                     .where(dim_source_document.c.source_document_key == doc_key)
                     .values(status=status))
        seen = list(locations) or [Sighting(source.uri, doc_key, source.size_bytes, None)]
        previous = documents_at(conn, (s.uri for s in seen)) - {doc_key}
        for s in seen:
            clear_location_quarantine(conn, s.uri)
        record_sightings(conn, run_key, [dataclasses.replace(s, document_key=doc_key)
                                         for s in seen])
        for old in previous:
            affected |= document_project_years(conn, old)
        refresh_current(conn, affected)
        drop_empty_orphans(conn, previous)
    return LoadResult(source.uri, status, len(py_keys), n_ind, len(rows))


def _insert_project_facts(conn: sa.Connection, doc_key: int, projects: pd.DataFrame,
                          forms: dict[int, tuple[int, int, int]]) -> dict[int, int]:
    """Insert the project-year facts in one batched statement; returns ``form_index →
    project_year_key``."""
    if not len(projects):
        return {}
    rows: list[dict[str, Any]] = []
    columns = {c: _cells(projects[c]) for c in (*PROJECT_FACT_COLUMNS, "form_index",
                                                  "form_page", "layout")}
    for i in range(len(projects)):
        form_index = int(columns["form_index"][i])
        if form_index not in forms:
            continue
        unit_key, project_key, year = forms[form_index]
        rows.append({
            "project_key": project_key, "year_key": year, "unit_key": unit_key,
            "source_document_key": doc_key, "form_index": form_index,
            "form_page": int(columns["form_page"][i]), "layout": columns["layout"][i],
            "is_current": False, **{c: columns[c][i] for c in PROJECT_FACT_COLUMNS}})
    if not rows:
        return {}
    f = fact_project_year
    result = conn.execute(f.insert().returning(f.c.form_index, f.c.project_year_key,
                                               sort_by_parameter_order=True), rows)
    return {int(form_index): int(key) for form_index, key in result}


def _insert_indicator_facts(conn: sa.Connection, indicators: pd.DataFrame,
                            py_keys: dict[int, int], ind_keys: dict[str, int]) -> int:
    """Insert the indicator rows of the forms that were loaded, through the dialect's bulk
    path (COPY on PostgreSQL)."""
    if not len(indicators) or not py_keys:
        return 0
    kept = indicators[indicators["form_index"].isin(list(py_keys))]
    if not len(kept):
        return 0
    columns = ("project_year_key", "indicator_key", "row_index", *TARGET_FACT_COLUMNS)
    cells = [
        [py_keys[int(i)] for i in kept["form_index"].tolist()],
        [ind_keys[nk] for nk in kept["indicator_nk"].tolist()],
        [int(r) for r in kept["row_index"].tolist()],
        *(_cells(kept[c]) for c in TARGET_FACT_COLUMNS),
    ]
    rows = list(zip(*cells, strict=True))
    writer_for(conn).bulk_insert(conn, fact_indicator_target, columns, rows)
    return len(rows)
