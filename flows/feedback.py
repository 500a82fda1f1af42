"""What a run tells the person or scheduler watching it: progress over files, one record per
file read (status, reason, rows), and the summary as Markdown and as a table.

A terminal gets a progress bar (rich); a log (not a TTY: systemd, cron, a Prefect worker)
gets a plain line at most every ``LineProgress.every_s`` seconds, so a long run is never
silent and a short one is not noisy. The Prefect flows publish ``summary_markdown`` and
``files_table`` as artifacts; the CLI prints the same facts.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import IO, Any, Protocol

from transforms.quarantine import QuarantineEntry
from warehouse.load import LoadResult
from warehouse.runs import RunSummary

Report = Callable[[str], None]


def report_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class Progress(Protocol):
    """Progress over the files a run reads (unchanged files are decided in bulk, before)."""

    def start(self, total: int) -> None: ...
    def advance(self) -> None: ...
    def close(self) -> None: ...


class NoProgress:
    def start(self, total: int) -> None:
        pass

    def advance(self) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass
class LineProgress:
    """``progress: 120/550 files (22%), 3.1 files/s, about 2 min left``, at most every
    ``every_s`` seconds and once at the end."""

    emit: Report = field(default_factory=lambda: report_stderr)
    every_s: float = 10.0
    clock: Callable[[], float] = time.monotonic
    total: int = 0
    done: int = 0
    _started: float = 0.0
    _last: float = 0.0
    _shown: int = -1  # ``done`` when the last line was printed

    def start(self, total: int) -> None:
        self.total, self.done = total, 0
        self._started = self._last = self.clock()

    def advance(self) -> None:
        self.done += 1
        if self.clock() - self._last >= self.every_s:
            self._print()

    def close(self) -> None:
        if self.total and self._shown != self.done:
            self._print()

    def _print(self) -> None:
        self._last = now = self.clock()
        self._shown = self.done
        rate = self.done / max(now - self._started, 1e-9)
        line = f"progress: {self.done}/{self.total} files ({100 * self.done // self.total}%)"
        if self.done < self.total and rate > 0:
            line += f", {rate:.1f} files/s, about {_duration((self.total - self.done) / rate)} left"
        self.emit(line)


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


class BarProgress:
    """A rich progress bar on a terminal (stderr), cleared when the run ends."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as RichProgress

        self._bar = RichProgress(TextColumn("reading files"), BarColumn(), MofNCompleteColumn(),
                                 TimeRemainingColumn(), console=Console(stderr=True),
                                 transient=True)
        self._task: Any = None

    def start(self, total: int) -> None:
        if total:
            self._bar.start()
            self._task = self._bar.add_task("files", total=total)

    def advance(self) -> None:
        if self._task is not None:
            self._bar.advance(self._task)

    def close(self) -> None:
        if self._task is not None:
            self._bar.stop()
            self._task = None


def progress_for(stream: IO[str]) -> Progress:
    """A bar on a terminal, periodic lines otherwise."""
    if stream.isatty():
        return BarProgress()
    return LineProgress(lambda line: print(line, file=stream, flush=True))


@dataclass(frozen=True, slots=True)
class FileReport:
    """One file the run read or could not read (unchanged files are counted, not listed)."""

    uri: str
    status: str  # loaded / partial / quarantined / failed (not processed; retried next run)
    reason: str | None  # the first quarantine reason code, when there is one
    project_rows: int = 0
    indicator_rows: int = 0
    message: str | None = None


@dataclass
class RunLog:
    """Where a run's facts go while it runs: the summary (stored in ``load_run``), a line per
    quarantined file, the progress display, and one ``FileReport`` per file."""

    summary: RunSummary
    report: Report = report_stderr
    progress: Progress = field(default_factory=NoProgress)
    files: list[FileReport] = field(default_factory=list)

    def record(self, uri: str, result: LoadResult | None,
               entries: list[QuarantineEntry], transient: str | None = None) -> None:
        """Count one file's outcome (``result`` None: not processed this time)."""
        for entry in entries:
            self.report(f"quarantined {uri}: [{entry.reason}] {entry.message}")
        if transient:
            self.report(f"not loaded (the next run tries again): {transient}")
        _tally(self.summary, result)
        first = entries[0] if entries else None
        self.files.append(FileReport(
            uri, result.status if result else "failed",
            str(first.reason) if first else None,
            result.project_rows if result else 0, result.indicator_rows if result else 0,
            first.message if first else transient))
        self.progress.advance()


def _tally(summary: RunSummary, result: LoadResult | None) -> None:
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


def files_table(files: list[FileReport]) -> list[dict[str, Any]]:
    """The files as table rows (a Prefect table artifact, ``--json``)."""
    return [asdict(f) for f in files]


def summary_markdown(summary: RunSummary, warehouse: str, run_key: int | None,
                     files: list[FileReport], years_missing: list[int]) -> str:
    """The run in a few lines of Markdown: where the data went, the counts, what needs a
    person (quarantined and failed files, years without a document)."""
    out = [f"## targets-etl run {run_key if run_key is not None else '(not recorded)'}", "",
           f"Warehouse: `{warehouse}`", "", "| files | count |", "|---|---:|"]
    counts = [("seen", summary.files_seen), ("loaded", summary.files_loaded),
              ("loaded with quarantined parts", summary.files_partial),
              ("unchanged", summary.files_unchanged), ("copies", summary.files_copies),
              ("quarantined", summary.files_quarantined), ("failed", summary.files_failed),
              ("gone from the source", summary.files_gone)]
    out += [f"| {what} | {n} |" for what, n in counts]
    out += ["", f"Rows: {summary.project_rows} project-years, {summary.indicator_rows} "
            f"indicator targets, {summary.quarantine_rows} quarantined."]
    attention = [f for f in files if f.status in ("quarantined", "partial", "failed")]
    if attention:
        out += ["", "### Needs a look", "", "| file | status | reason |", "|---|---|---|"]
        out += [f"| {f.uri} | {f.status} | {f.reason or ''} |" for f in attention[:100]]
        if len(attention) > 100:
            out.append(f"\n… and {len(attention) - 100} more (`targets-etl quarantine`).")
    if years_missing:
        out += ["", "No document prints a form of: " + ", ".join(map(str, years_missing))]
    return "\n".join(out)
