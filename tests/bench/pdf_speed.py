"""Pages per second of the PDF reader against bare pdfplumber ``extract_tables()``.

Issue 8 asks that :func:`extractors.pdf.forms.read_pdf_forms` read at least 0.9× the pages per
second of bare pdfplumber on the same pages, one core. This script measures both in one process,
pinned to one core, on the same files::

    .venv/bin/python -m tests.bench.pdf_speed                        # samples/docs
    .venv/bin/python -m tests.bench.pdf_speed --repeat 7 tests/corpus/holdout/docs
    .venv/bin/python -m tests.bench.pdf_speed --generate 40          # 40 drawn PDFs instead
    .venv/bin/python -m tests.bench.pdf_speed --generate 40 samples/docs  # both
    .venv/bin/python -m tests.bench.pdf_speed --profile ours         # cProfile one pass
    .venv/bin/python -m tests.bench.pdf_speed --check tests/corpus/holdout/docs

Each repeat times one pass of the bare path (open, ``page.extract_tables()``, ``page.close()``
for every page) then one pass of ours (``read_pdf_forms(path)``), so drift on a shared machine
hits both alike; the best pass of each is reported (the least disturbed), with the median.
Files either path refuses (damaged, scans, no target table) are left out of both.

``--check`` instead compares, page by page, the glyphs and cell boxes the reader copies
(``extractors.pdf.pages._copy_page``, which skips pdfplumber's char dicts) with those of the
plain pdfplumber way (``page.dedupe_chars(...).chars`` and ``.find_tables(...)``): they must be
equal, float for float.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pdfplumber

from extractors.pdf import pages as pdf_pages
from extractors.pdf.forms import read_pdf_forms
from extractors.pdf.settings import PdfSettings

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "samples" / "docs"
GOAL = 0.9


def bare_pass(files: Sequence[Path]) -> int:
    """Bare pdfplumber: every page's ``extract_tables()``; returns pages read."""
    pages = 0
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_tables()
                page.close()
                pages += 1
    return pages


def ours_pass(files: Sequence[Path]) -> int:
    """targets-etl's reader, the whole of it (pages to forms); returns pages read."""
    return sum(read_pdf_forms(path)[0] for path in files)


def pdf_files(args: Sequence[str]) -> list[Path]:
    out: list[Path] = []
    for arg in args:
        p = Path(arg)
        out.extend(sorted(p.rglob("*.pdf")) if p.is_dir() else [p])
    return out


def readable(files: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """The files both paths read (each once, which also warms caches); and why others not."""
    keep, skipped = [], []
    for path in files:
        try:
            bare_pass([path])
            ours_pass([path])
        except Exception as exc:
            skipped.append(f"{path.name}: {type(exc).__name__}")
        else:
            keep.append(path)
    return keep, skipped


def generate(folder: Path, count: int) -> list[Path]:
    """``count`` PDFs drawn like the samples (tests/pdf_fixtures.py): both layouts, tables
    of 10 to 70 rows that run over pages, footers; about 3 pages each on average."""
    if str(ROOT) not in sys.path:  # run as a file, not with -m from the repo root
        sys.path.insert(0, str(ROOT))
    from tests import pdf_fixtures as fx

    if not fx.fonts_available():
        sys.exit("--generate needs the CJK fonts of tests/pdf_fixtures.py (wqy-zenhei, uming)")
    out = []
    for k in range(count):
        national = k % 3 == 2
        rows = fx.NATIONAL_ROWS if national else fx.SHANGHAI_ROWS
        projects = [fx.project(k * 10 + j, indicators=fx.indicators(rows, extra=(k * 7 + j * 13)
                                                                    % 60, tag=str(j)))
                    for j in range(1 + k % 2)]
        opts = fx.Options(footer=("dash", "of", None)[k % 3], repeat_header=k % 4 == 1)
        path = folder / f"gen{k:03d}.pdf"
        fx.render(path, projects, "national" if national else "shanghai", opts=opts)
        out.append(path)
    return out


def _reference(page: Any, settings: PdfSettings) -> tuple[list[Any], list[Any]]:
    """A page's glyphs and cell boxes the plain pdfplumber way (the reader's code before
    issue 8)."""
    clean = page.dedupe_chars(tolerance=settings.dedupe_tolerance)
    glyphs = [(c["text"], float(c["x0"]), float(c["x1"]), float(c["top"]), float(c["bottom"]),
               float(c["size"])) for c in clean.chars]
    return glyphs, [pdf_pages._table_boxes(t) for t in clean.find_tables(
        settings.table_settings())]


def check(files: Sequence[Path]) -> int:
    """Exit status 1 when any page's copy differs from the plain pdfplumber reading."""
    settings = PdfSettings()
    pages = bad = 0
    unread = []
    for path in files:
        try:
            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    glyphs, tables = pdf_pages._copy_page(page, settings)
                    page.close()
                    want = _reference(page, settings)
                    page.close()
                    pages += 1
                    if ([tuple(g) for g in glyphs], tables) != want:
                        bad += 1
                        print(f"DIFFERS: {path.name} page {page.page_number}")
        except Exception as exc:  # a damaged file: nothing to compare
            unread.append(f"{path.name}: {type(exc).__name__}")
    print(f"{pages} pages of {len(files) - len(unread)} files: {pages - bad} equal, "
          f"{bad} differ" + (f"; unreadable: {', '.join(unread)}" if unread else ""))
    return 1 if bad else 0


def pin_one_core(cpu: int | None) -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    allowed = sorted(os.sched_getaffinity(0))
    chosen = allowed[-1] if cpu is None else cpu
    os.sched_setaffinity(0, {chosen})
    return f"pinned to cpu {chosen}"


def timed(run: Callable[[Sequence[Path]], int], files: Sequence[Path]) -> tuple[int, float]:
    gc.collect()
    start = time.perf_counter()
    pages = run(files)
    return pages, time.perf_counter() - start


def profile(run: Callable[[Sequence[Path]], int], files: Sequence[Path], top: int) -> None:
    prof = cProfile.Profile()
    prof.enable()
    run(files)
    prof.disable()
    stats = pstats.Stats(prof)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def report(label: str, pages: int, times: Sequence[float]) -> tuple[float, float]:
    """Print one path's line; returns its pages/s (best pass, median pass)."""
    best, median = pages / min(times), pages / statistics.median(times)
    print(f"  {label:<34} {pages:>6} {min(times):>9.3f} {best:>9.1f} {median:>10.1f}")
    return best, median


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", help=f"PDF files or folders (default {DEFAULT})")
    ap.add_argument("--repeat", type=int, default=5, help="interleaved passes of each (best of)")
    ap.add_argument("--generate", type=int, default=0, metavar="N",
                    help="draw N PDFs like the samples (in a temporary folder); with no "
                         "paths given, only these are read")
    ap.add_argument("--cpu", type=int, default=None, help="the core to pin to (default: last)")
    ap.add_argument("--profile", choices=("bare", "ours"),
                    help="cProfile one pass of this path instead of timing")
    ap.add_argument("--top", type=int, default=30, help="rows of --profile output")
    ap.add_argument("--check", action="store_true",
                    help="compare the reader's glyphs and cells with plain pdfplumber's")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="pdf_speed_") as tmp:
        paths = args.paths or ([] if args.generate else [str(DEFAULT)])
        files = pdf_files(paths)
        if args.generate:
            files += generate(Path(tmp), args.generate)
        source = ", ".join([*(Path(p).name for p in paths),
                            *([f"{args.generate} drawn"] if args.generate else [])])
        if args.check:
            return check(files)
        pinned = pin_one_core(args.cpu)
        files, skipped = readable(files)
        if not files:
            sys.exit("no PDF that both paths read")
        if args.profile:
            profile(bare_pass if args.profile == "bare" else ours_pass, files, args.top)
            return 0
        bare_times, ours_times = [], []
        pages = {"bare": 0, "ours": 0}
        for _ in range(max(1, args.repeat)):
            pages["bare"], t = timed(bare_pass, files)
            bare_times.append(t)
            pages["ours"], t = timed(ours_pass, files)
            ours_times.append(t)

    print(f"{len(files)} PDF files ({source}), {pinned}, best of {len(bare_times)} "
          f"interleaved passes" + (f"; left out: {', '.join(skipped)}" if skipped else ""))
    print(f"  {'path':<34} {'pages':>6} {'seconds':>9} {'pages/s':>9} {'(median)':>10}")
    bare = report("bare pdfplumber extract_tables()", pages["bare"], bare_times)
    ours = report("targets-etl read_pdf_forms()", pages["ours"], ours_times)
    ratio = ours[0] / bare[0]
    verdict = "met" if ratio >= GOAL else "NOT met"
    print(f"  ratio ours/bare: {ratio:.2f}× best, {ours[1] / bare[1]:.2f}× median "
          f"(goal ≥ {GOAL}× best: {verdict})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
