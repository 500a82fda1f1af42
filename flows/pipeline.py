"""The per-file pipeline as plain functions: discover → plan → prepare → load.

The run (``flows.run``) wires these together, with or without Prefect. ``prepare`` is pure
CPU work on one file (read once, extract, validate) and runs in worker processes; ``load``
writes one file's transaction. A document is its bytes: the plan decides in bulk, before
any per-file work, which files are unchanged (same location, size, mtime and remote ETag),
which are copies of a document already loaded (a new location, no rows) and which must be
read (remote ones are fetched then, many at a time; see ``flows.sources``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from extractors.errors import Reason, TerminalError, TransientError
from extractors.files import extract_bytes, read_source
from extractors.model import ExtractedDocument, SourceFile
from flows.feedback import RunLog
from flows.sources import Candidate, Listing, Problem, discover, fetch, hash_local
from transforms.quarantine import QuarantineEntry
from transforms.validate import Validated, validate_forms
from warehouse.errors import describe_rejection
from warehouse.load import (
    LoadResult,
    drop_empty_orphans,
    load_document,
    quarantine_location,
    refresh_documents,
)
from warehouse.locations import (
    KnownLocation,
    Sighting,
    documents_at,
    documents_by_sha,
    documents_of_years,
    known_locations,
    record_sightings,
    touch_unchanged,
)
from warehouse.retry import RetryPolicy, with_retries

__all__ = ["Candidate", "Job", "Listing", "Plan", "Prepared", "Problem", "discover", "load",
           "plan", "prepare"]

DEFAULT_RETRY = RetryPolicy()


@dataclass
class Job:
    """One document to read: its first location, and the other places the same bytes are."""

    candidate: Candidate
    also_at: list[Candidate] = field(default_factory=list)


@dataclass
class Plan:
    """The bulk decision, made before any per-file work."""

    jobs: list[Job] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)  # location keys
    restamp: list[Sighting] = field(default_factory=list)  # same bytes, new mtime: unchanged
    copies: list[Sighting] = field(default_factory=list)  # new locations of known documents
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Prepared:
    """One file after extraction and validation, ready for its load transaction."""

    uri: str
    source: SourceFile | None
    document: ExtractedDocument | None = None
    validated: Validated | None = None
    file_entries: list[QuarantineEntry] = field(default_factory=list)
    transient: str | None = None  # a fault worth retrying; nothing is written for the file


def _same_listing(known: KnownLocation, c: Candidate) -> bool:
    """Whether the listing shows the file as it was when last read: same size, time and
    (remote) ETag. A listing that shows neither size nor time proves nothing."""
    if c.size_bytes is None and c.mtime_ns is None and c.version_tag is None:
        return False
    return ((known.size_bytes, known.mtime_ns, known.version_tag)
            == (c.size_bytes, c.mtime_ns, c.version_tag))


def plan(engine: sa.Engine, listing: Listing, force: bool = False,
         years: frozenset[int] = frozenset()) -> Plan:
    """Decide for every file in bulk: unchanged, a copy of a known document, or to read.

    A location whose size and mtime match what was recorded is unchanged without reading
    it; anything else is hashed, and bytes the warehouse already holds only add a location.
    ``force`` reads every document again (one read per distinct content); ``years`` reads
    again the documents that print a form of one of those years (a backfill)."""
    out = Plan(problems=list(listing.problems))
    with engine.connect() as conn:
        known = known_locations(conn, (c.uri for c in listing.candidates))
        of_years = documents_of_years(conn, years)
        hashed: list[Candidate] = []
        local: list[Candidate] = []
        remote: list[Candidate] = []
        for c in listing.candidates:
            k = known.get(c.uri)
            if (not force and k is not None and k.document_key is not None
                    and k.document_key not in of_years and _same_listing(k, c)):
                out.unchanged.append(k.location_key)
                continue
            (remote if c.is_remote else local).append(c)
        for result in [*map(hash_local, local), *fetch(remote, listing)]:
            if isinstance(result, Problem):
                out.problems.append(result)
            else:
                hashed.append(result)
        docs = documents_by_sha(conn, (c.sha256 for c in hashed if c.sha256))
    by_sha: dict[str, Job] = {}
    for c in hashed:
        assert c.sha256 is not None
        k = known.get(c.uri)
        if not force and c.sha256 in docs and docs[c.sha256] not in of_years:
            same_place = k is not None and k.document_key == docs[c.sha256]
            (out.restamp if same_place else out.copies).append(c.sighting(docs[c.sha256]))
        elif c.sha256 in by_sha:
            by_sha[c.sha256].also_at.append(c)
        else:
            by_sha[c.sha256] = Job(c)
    out.jobs = list(by_sha.values())
    return out


@dataclass(frozen=True, slots=True)
class Preview:
    """What a run would do with one listed file, and why (``--dry-run``)."""

    uri: str
    action: str  # read / skip / quarantine
    why: str


def preview(conn: sa.Connection | None, listing: Listing, force: bool = False,
            years: frozenset[int] = frozenset()) -> list[Preview]:
    """The plan's decision for every listed file from what the listing and the warehouse
    know, without reading, hashing or downloading anything (``conn`` None: an empty
    warehouse). A file to read may still turn out to be a copy of a loaded document: that
    is known only from its bytes."""
    known = known_locations(conn, (c.uri for c in listing.candidates)) if conn else {}
    of_years = documents_of_years(conn, years) if conn else set()
    out = [Preview(p.uri, "quarantine", f"cannot be read: {p.message}")
           for p in listing.problems]
    for c in listing.candidates:
        k = known.get(c.uri)
        if k is None or k.document_key is None:
            why = "new location" if k is None else "could not be read last time"
        elif force:
            why = "--force"
        elif k.document_key in of_years:
            why = f"prints a form of {', '.join(map(str, sorted(years)))}"
        elif _same_listing(k, c):
            out.append(Preview(c.uri, "skip", "unchanged (same size, time"
                               + (", ETag" if c.version_tag else "") + ")"))
            continue
        else:
            why = "changed since it was read (size, time or ETag)"
        out.append(Preview(c.uri, "read", why + (", downloaded first" if c.is_remote else "")))
    return out


def record_plan(engine: sa.Engine, run_key: int, decided: Plan) -> None:
    """Write what the plan decided without reading files, in one transaction: unchanged
    locations stamped, new locations of known documents added."""
    with engine.begin() as conn:
        touch_unchanged(conn, run_key, decided.unchanged)
        previous = documents_at(conn, (s.uri for s in decided.copies))
        record_sightings(conn, run_key, [*decided.restamp, *decided.copies])
        arrived = {s.document_key for s in decided.copies if s.document_key is not None}
        refresh_documents(conn, previous | arrived)
        drop_empty_orphans(conn, previous - arrived)


def read_candidate(candidate: Candidate) -> tuple[SourceFile, bytes] | Prepared:
    """The file's identity and bytes, from one read; or why it could not be read."""
    if candidate.path is None:
        return Prepared(candidate.uri, None, transient=f"{candidate.uri}: was not fetched")
    try:
        return read_source(Path(candidate.path), candidate.uri)
    except TransientError as exc:
        return Prepared(candidate.uri, None, transient=str(exc))
    except TerminalError as exc:
        return Prepared(candidate.uri, None, file_entries=[_file_entry(exc)])


def prepare(candidate: Candidate) -> Prepared:
    """Read one file once, extract and validate it; never raises for a bad file."""
    read = read_candidate(candidate)
    return read if isinstance(read, Prepared) else prepare_bytes(*read)


def prepare_bytes(source: SourceFile, data: bytes) -> Prepared:
    """Extract and validate bytes already read (on any machine: nothing here touches the
    file system or the warehouse); never raises for a bad file."""
    try:
        document = extract_bytes(source, data)
    except TerminalError as exc:
        return Prepared(source.uri, source, file_entries=[_file_entry(exc)])
    except TransientError as exc:
        return Prepared(source.uri, source, transient=str(exc))
    except MemoryError:
        return Prepared(source.uri, source, file_entries=[QuarantineEntry(
            stage="extract", reason=Reason.EXTRACT_MEMORY,
            message=f"{source.uri}: reading the file needed more memory than a worker may use")])
    except Exception as exc:  # a parser defect must cost one file, not the run
        return Prepared(source.uri, source, file_entries=[QuarantineEntry(
            stage="extract", reason=Reason.UNREADABLE,
            message=f"{source.uri}: unexpected {type(exc).__name__}: {exc}")])
    return Prepared(source.uri, source, document=document,
                    validated=validate_forms(document.forms))


def prepare_batch(batch: Sequence[tuple[SourceFile, bytes]]) -> list[Prepared]:
    """``prepare_bytes`` for a few files: the unit of work sent to a Dask worker, big enough
    to outweigh a task's own cost."""
    return [prepare_bytes(source, data) for source, data in batch]


def _file_entry(exc: TerminalError) -> QuarantineEntry:
    return QuarantineEntry(stage=exc.stage, reason=exc.reason,  # type: ignore[arg-type]
                           message=exc.message)


def failed(candidate: Candidate, reason: Reason, message: str) -> Prepared:
    """A file whose worker did not return (time limit, memory, crash): quarantined under
    the bytes the plan hashed, so the next run skips it until the file changes."""
    source = None
    if candidate.sha256 and candidate.path:
        size = candidate.size_bytes
        source = SourceFile(candidate.uri, candidate.sha256,
                            size if size is not None else os.path.getsize(candidate.path))
    return Prepared(candidate.uri, source, file_entries=[QuarantineEntry(
        stage="extract", reason=reason, message=f"{candidate.uri}: {message}")])


def load(engine: sa.Engine, run_key: int, job: Job, item: Prepared,
         policy: RetryPolicy = DEFAULT_RETRY) -> LoadResult | None:
    """Write one prepared file in one transaction, retried while the warehouse does not
    answer; ``None`` for a file with a transient read fault (nothing written for it).

    Raises ``WarehouseUnavailable`` when the warehouse stays away: the file's transaction
    rolled back, the files loaded before it stay loaded. When the warehouse *rejects* the
    file's rows, the file is quarantined (``load_failed``) and the run goes on."""
    if item.transient is not None:
        return None
    where = [job.candidate.sighting(), *(c.sighting() for c in job.also_at)]
    source = item.source
    if source is None:
        entries = item.file_entries
        return with_retries(lambda: quarantine_location(engine, run_key, where[0], entries),
                            f"quarantining {item.uri}", policy)
    try:
        return with_retries(
            lambda: load_document(engine, run_key, source, item.document, item.validated,
                                  item.file_entries, where),
            f"loading {source.uri}", policy)
    except sa.exc.SQLAlchemyError as exc:
        what, column = describe_rejection(exc)
        rejected = QuarantineEntry(stage="load", reason=Reason.LOAD_FAILED, column=column,
                                   message=f"{source.uri}: the warehouse rejected the rows: "
                                   f"{what}")
        return with_retries(
            lambda: load_document(engine, run_key, source, item.document, None,
                                  [*item.file_entries, rejected], where),
            f"quarantining {source.uri}", policy)


def problem_entry(problem: Problem) -> QuarantineEntry:
    """Why a listed file or folder could not be read, as its quarantine row."""
    return QuarantineEntry(stage="fetch", reason=Reason.UNREADABLE,
                           message=f"{problem.uri}: {problem.message}")


def quarantine_problem(engine: sa.Engine, run_key: int, problem: Problem,
                       entry: QuarantineEntry | None = None,
                       policy: RetryPolicy = DEFAULT_RETRY) -> LoadResult:
    """A file or folder that could not be listed or read, recorded by its location."""
    c = problem.candidate
    where = c.sighting() if c else Sighting(problem.uri, None, None, None)
    entries = [entry or problem_entry(problem)]
    return with_retries(lambda: quarantine_location(engine, run_key, where, entries),
                        f"quarantining {problem.uri}", policy)


def quarantine_problems(engine: sa.Engine, run_key: int, problems: Sequence[Problem],
                        log: RunLog) -> None:
    """Record every file or folder the listing or the plan could not read."""
    for problem in problems:
        entry = problem_entry(problem)
        log.record(problem.uri, quarantine_problem(engine, run_key, problem, entry), [entry])


def load_and_record(engine: sa.Engine, run_key: int, job: Job, item: Prepared,
                    log: RunLog) -> None:
    """Load one prepared file (its own transaction) and count its outcome."""
    log.record(item.uri, load(engine, run_key, job, item), item.file_entries, item.transient)


def prepare_in_process(jobs: Sequence[Job]) -> Iterator[tuple[Job, Prepared]]:
    """``prepare`` in this process, without worker isolation: for tests that drive the
    pipeline step by step."""
    for job in jobs:
        yield job, prepare(job.candidate)
