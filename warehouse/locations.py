"""Where documents are: the ``source_location`` registry, read in bulk before a run and
written in bulk after it.

A document is its bytes; a location is a path or URL where those bytes were seen. Renaming,
moving or copying a file adds a location and no rows; a location not found again under a
source that was listed is marked gone (and reported), never deleted silently.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from warehouse.schema import dim_source_document, fact_project_year, quarantine, source_location

_CHUNK = 500
#: What a sighting that read the location records of it.
_READ_COLUMNS = ("source_document_key", "size_bytes", "mtime_ns", "version_tag")


def uri_key(uri: str) -> str:
    """The location's natural key: a hash, because URIs can be longer than an index row."""
    return hashlib.sha256(uri.encode("utf-8", "surrogateescape")).hexdigest()


@dataclass(frozen=True, slots=True)
class KnownLocation:
    """What the warehouse remembers of a location, for the bulk "unchanged" decision."""

    location_key: int
    uri: str
    document_key: int | None
    sha256: str | None
    size_bytes: int | None
    mtime_ns: int | None
    is_present: bool
    version_tag: str | None = None


@dataclass(frozen=True, slots=True)
class Sighting:
    """A location seen by this run, with the document found there (``None``: unreadable)."""

    uri: str
    document_key: int | None
    size_bytes: int | None
    mtime_ns: int | None
    version_tag: str | None = None  # a remote file's ETag


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


def known_locations(conn: sa.Connection, uris: Iterable[str]) -> dict[str, KnownLocation]:
    """``uri → KnownLocation`` for the URIs the warehouse has seen, one query per 500."""
    keys = {uri_key(u): u for u in uris}
    loc, doc = source_location, dim_source_document
    out: dict[str, KnownLocation] = {}
    for chunk in _chunks(list(keys)):
        rows = conn.execute(
            sa.select(loc.c.source_location_key, loc.c.uri_sha256, loc.c.source_document_key,
                      doc.c.sha256, loc.c.size_bytes, loc.c.mtime_ns, loc.c.is_present,
                      loc.c.version_tag)
            .select_from(loc.outerjoin(doc, doc.c.source_document_key
                                       == loc.c.source_document_key))
            .where(loc.c.uri_sha256.in_(chunk)))
        for r in rows:
            uri = keys[r.uri_sha256]
            out[uri] = KnownLocation(r.source_location_key, uri, r.source_document_key,
                                     r.sha256, r.size_bytes, r.mtime_ns, bool(r.is_present),
                                     r.version_tag)
    return out


def documents_by_sha(conn: sa.Connection, shas: Iterable[str]) -> dict[str, int]:
    """``sha256 → document key`` for the bytes the warehouse already holds."""
    wanted = sorted(set(shas))
    out: dict[str, int] = {}
    for chunk in _chunks(wanted):
        rows = conn.execute(sa.select(dim_source_document.c.sha256,
                                      dim_source_document.c.source_document_key)
                            .where(dim_source_document.c.sha256.in_(chunk)))
        out.update({sha: int(k) for sha, k in rows})
    return out


def record_sightings(conn: sa.Connection, run_key: int, seen: Sequence[Sighting]) -> None:
    """Upsert every location this run saw: present, stamped, pointing at the document found
    there (an unreadable sighting keeps the document the location had)."""
    if not seen:
        return
    existing = {r.uri_sha256: r.source_location_key for chunk in
                _chunks([uri_key(s.uri) for s in seen]) for r in conn.execute(
                    sa.select(source_location.c.uri_sha256, source_location.c.source_location_key)
                    .where(source_location.c.uri_sha256.in_(chunk)))}
    inserts: list[dict[str, Any]] = []
    updates: dict[bool, list[dict[str, Any]]] = {True: [], False: []}
    for s in seen:
        row = {"source_document_key": s.document_key, "size_bytes": s.size_bytes,
               "mtime_ns": s.mtime_ns, "version_tag": s.version_tag, "is_present": True,
               "last_seen_run_key": run_key}
        k = uri_key(s.uri)
        if k not in existing:
            inserts.append({"uri_sha256": k, "uri": s.uri, "first_seen_run_key": run_key, **row})
        elif s.document_key is None:
            updates[False].append({"b_key": existing[k], "b_run": run_key})
        else:
            updates[True].append({"b_key": existing[k], "b_run": run_key,
                                  **{f"b_{c}": row[c] for c in
                                     _READ_COLUMNS}})
    if inserts:
        conn.execute(source_location.insert(), inserts)
    where = source_location.c.source_location_key == sa.bindparam("b_key")
    stamp = {"is_present": True, "last_seen_run_key": sa.bindparam("b_run")}
    if updates[True]:
        conn.execute(source_location.update().where(where).values(
            **stamp, **{c: sa.bindparam(f"b_{c}") for c in
                        _READ_COLUMNS}), updates[True])
    if updates[False]:
        conn.execute(source_location.update().where(where).values(**stamp), updates[False])


def touch_unchanged(conn: sa.Connection, run_key: int, location_keys: Sequence[int]) -> None:
    """Stamp locations whose file did not change (one statement per 500)."""
    for start in range(0, len(location_keys), _CHUNK):
        conn.execute(source_location.update()
                     .where(source_location.c.source_location_key.in_(
                         location_keys[start:start + _CHUNK]))
                     .values(is_present=True, last_seen_run_key=run_key))


def under(uri: str, roots: Sequence[str]) -> bool:
    """Whether ``uri`` is one of ``roots`` or inside one of them."""
    return any(uri == r or uri.startswith(r.rstrip("/\\") + sep)
               for r in roots for sep in ("/", "\\"))


def mark_gone(conn: sa.Connection, roots: Sequence[str],
              seen: set[str]) -> tuple[list[str], set[int]]:
    """Locations under ``roots`` that were present before and are not there now: marked
    gone (their rows stay until ``retire``). Returns their URIs and their documents."""
    loc = source_location
    rows = conn.execute(sa.select(loc.c.source_location_key, loc.c.uri,
                                  loc.c.source_document_key).where(loc.c.is_present)).all()
    gone = [r for r in rows if r.uri not in seen and under(r.uri, roots)]
    for start in range(0, len(gone), _CHUNK):
        conn.execute(loc.update().where(loc.c.source_location_key.in_(
            [r.source_location_key for r in gone[start:start + _CHUNK]])).values(
                is_present=False))
    return ([r.uri for r in gone],
            {int(r.source_document_key) for r in gone if r.source_document_key is not None})


def refresh_document_uris(conn: sa.Connection) -> None:
    """A document's ``uri`` (what the views show as ``source_uri``) is a present location
    when it has one: the first one seen."""
    loc, doc = source_location, dim_source_document
    first_present = (sa.select(loc.c.uri).where(loc.c.source_document_key
                                                 == doc.c.source_document_key, loc.c.is_present)
                     .order_by(loc.c.source_location_key).limit(1).scalar_subquery())
    stale = sa.select(loc.c.source_document_key).where(
        loc.c.is_present, loc.c.source_document_key.is_not(None))
    at_uri_present = sa.select(loc.c.source_location_key).where(
        loc.c.source_document_key == doc.c.source_document_key, loc.c.is_present,
        loc.c.uri == doc.c.uri)
    conn.execute(doc.update().where(doc.c.source_document_key.in_(stale),
                                    ~sa.exists(at_uri_present)).values(uri=first_present))


def clear_location_quarantine(conn: sa.Connection, uri: str) -> None:
    """Quarantine rows of a location that could not be read (replaced when it is read)."""
    keys = sa.select(source_location.c.source_location_key).where(
        source_location.c.uri_sha256 == uri_key(uri))
    conn.execute(quarantine.delete().where(quarantine.c.source_location_key.in_(keys)))


def documents_at(conn: sa.Connection, uris: Iterable[str]) -> set[int]:
    """The documents these locations point at now."""
    keys = [uri_key(u) for u in uris]
    return {int(k) for chunk in _chunks(keys) for k in conn.execute(
        sa.select(source_location.c.source_document_key).where(
            source_location.c.uri_sha256.in_(chunk),
            source_location.c.source_document_key.is_not(None))).scalars()}


def location_key(conn: sa.Connection, uri: str) -> int | None:
    return conn.execute(sa.select(source_location.c.source_location_key)
                        .where(source_location.c.uri_sha256 == uri_key(uri))).scalar()


def documents_of_years(conn: sa.Connection, years: Iterable[int]) -> set[int]:
    """The documents that print a form of one of ``years`` (current or superseded)."""
    wanted = sorted(set(years))
    if not wanted:
        return set()
    fpy = fact_project_year
    return {int(k) for k in conn.execute(
        sa.select(fpy.c.source_document_key).distinct().where(fpy.c.year_key.in_(wanted)))
        .scalars()}


def years_at(conn: sa.Connection, uris: Iterable[str]) -> dict[int, int]:
    """``year → forms`` printed by the documents now at these locations."""
    documents = sorted(documents_at(conn, uris))
    out: dict[int, int] = {}
    for start in range(0, len(documents), _CHUNK):
        fpy = fact_project_year
        for year, forms in conn.execute(
                sa.select(fpy.c.year_key, sa.func.count()).where(
                    fpy.c.source_document_key.in_(documents[start:start + _CHUNK]))
                .group_by(fpy.c.year_key)):
            out[int(year)] = out.get(int(year), 0) + int(forms)
    return out
