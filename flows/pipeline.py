"""The per-file pipeline as plain functions: discover → plan → prepare → load.

The Prefect flow (``flows.etl``) only wires these together; they run and test without
Prefect. ``prepare`` is pure CPU work on one file (extract + validate) and runs in worker
processes; ``load`` writes one file's transaction.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from extractors.errors import TerminalError, TransientError
from extractors.files import extract_bytes, read_source
from extractors.model import ExtractedDocument, SourceFile
from transforms.quarantine import QuarantineEntry
from transforms.validate import Validated, validate_forms
from warehouse.load import LoadResult, load_document
from warehouse.retry import RetryPolicy, with_retries
from warehouse.runs import RunSummary, known_documents

SUFFIXES = (".pdf", ".txt")
#: Seconds one file may take to extract before it is quarantined (a 300-page PDF takes ~5 s).
FILE_TIMEOUT_S = 300.0
DEFAULT_RETRY = RetryPolicy()


@dataclass
class Prepared:
    """One file after extraction and validation, ready for its load transaction."""

    path: str
    source: SourceFile | None
    document: ExtractedDocument | None = None
    validated: Validated | None = None
    file_entries: list[QuarantineEntry] = field(default_factory=list)
    transient: str | None = None  # a fault worth retrying; nothing is written for the file


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files to read: the files named, and every .pdf/.txt below the directories named."""
    found: dict[str, Path] = {}
    for path in paths:
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                if p.is_file() and p.suffix.lower() in SUFFIXES:
                    found.setdefault(str(p.resolve()), p)
        else:
            found.setdefault(str(path.resolve()), path)
    return sorted(found.values(), key=lambda p: str(p.resolve()))


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def plan(engine: sa.Engine, files: Sequence[Path], force: bool = False) -> tuple[list[Path],
                                                                                  list[Path]]:
    """``(to_process, unchanged)``: a file whose URI and bytes the warehouse already has is
    unchanged and skipped, whatever its outcome was (``retry`` re-reads quarantined ones)."""
    known = known_documents(engine, (str(p.resolve()) for p in files))
    todo: list[Path] = []
    unchanged: list[Path] = []
    for path in files:
        seen = known.get(str(path.resolve()))
        if not force and seen is not None and seen[0] == _sha256(path):
            unchanged.append(path)
        else:
            todo.append(path)
    return todo, unchanged


def prepare(path: Path) -> Prepared:
    """Extract and validate one file; never raises for a bad file."""
    try:
        source, data = read_source(path)
    except TransientError as exc:
        return Prepared(path=str(path), source=None, transient=str(exc))
    try:
        document = extract_bytes(source, data, path)
    except TerminalError as exc:
        return Prepared(path=str(path), source=source, file_entries=[QuarantineEntry(
            stage=exc.stage, reason=exc.reason, message=exc.message)])  # type: ignore[arg-type]
    except TransientError as exc:
        return Prepared(path=str(path), source=source, transient=str(exc))
    except Exception as exc:  # a parser defect must cost one file, not the run
        return Prepared(path=str(path), source=source, file_entries=[QuarantineEntry(
            stage="extract", reason="unreadable",
            message=f"{source.uri}: unexpected {type(exc).__name__}: {exc}")])
    return Prepared(path=str(path), source=source, document=document,
                    validated=validate_forms(document.forms))


def prepare_all(paths: Sequence[Path], workers: int | None = None,
                timeout_s: float | None = None,
                work: Callable[[Path], Prepared] = prepare) -> list[Prepared]:
    """``work`` (``prepare``) over many files, in worker processes when there is more than one
    file or a time limit.

    With ``timeout_s``, a file whose extraction has not finished that long after the files
    before it is quarantined (``extract_timeout``) and its worker killed, so one pathological
    file cannot stall a nightly run; the other files are prepared again in a fresh pool."""
    workers = workers or min(len(paths), os.cpu_count() or 1)
    if timeout_s is None and (workers <= 1 or len(paths) <= 1):
        return [work(p) for p in paths]
    if timeout_s is None:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(work, paths, chunksize=max(1, len(paths) // (workers * 4))))
    done: dict[int, Prepared] = {}
    pending = list(range(len(paths)))
    while pending:
        with multiprocessing.get_context("fork").Pool(max(1, workers)) as pool:
            jobs = {i: pool.apply_async(work, (paths[i],)) for i in pending}
            for i in pending:
                try:
                    done[i] = jobs[i].get(timeout=timeout_s)
                except multiprocessing.TimeoutError:
                    done[i] = _timed_out(paths[i], timeout_s)
                    pool.terminate()
                    break
        pending = [i for i in pending if i not in done]
    return [done[i] for i in range(len(paths))]


def _timed_out(path: Path, timeout_s: float) -> Prepared:
    source = None
    with contextlib.suppress(TransientError):
        source, _ = read_source(path)
    return Prepared(path=str(path), source=source, file_entries=[QuarantineEntry(
        stage="extract", reason="extract_timeout",
        message=f"{path}: reading the file took longer than {timeout_s:g} s and was stopped")])


def load(engine: sa.Engine, run_key: int, item: Prepared,
         policy: RetryPolicy = DEFAULT_RETRY) -> LoadResult | None:
    """Write one prepared file in one transaction, retried while the warehouse does not
    answer; ``None`` for a file with a transient read fault (nothing written for it).

    Raises ``WarehouseUnavailable`` when the warehouse stays away: the file's transaction
    rolled back, the files loaded before it stay loaded. When the warehouse *rejects* the
    file's rows, the file is quarantined (``load_failed``) and the run goes on."""
    if item.source is None or item.transient is not None:
        return None
    source = item.source
    try:
        return with_retries(
            lambda: load_document(engine, run_key, source, item.document, item.validated,
                                  item.file_entries),
            f"loading {source.uri}", policy)
    except sa.exc.SQLAlchemyError as exc:
        rejected = QuarantineEntry(
            stage="load", reason="load_failed",
            message=f"{source.uri}: the warehouse rejected the rows: "
            f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
        return with_retries(
            lambda: load_document(engine, run_key, source, item.document, None,
                                  [*item.file_entries, rejected]),
            f"quarantining {source.uri}", policy)


def tally(summary: RunSummary, result: LoadResult | None) -> None:
    if result is None:
        summary.files_failed += 1
        return
    if result.status == "loaded":
        summary.files_loaded += 1
    elif result.status == "partial":
        summary.files_partial += 1
    else:
        summary.files_quarantined += 1
    summary.project_rows += result.project_rows
    summary.indicator_rows += result.indicator_rows
    summary.quarantine_rows += result.quarantine_rows
