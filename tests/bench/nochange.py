"""What a nightly costs when nothing changed: ``targets-etl run`` over 1,000 files a second
time, against a run over a source holding one (unchanged) file::

    .venv/bin/python -m tests.bench.nochange              # 1,000 files
    .venv/bin/python -m tests.bench.nochange --files 200 --db postgresql+psycopg://…

The files are the shipped samples, each copied with a few bytes appended so that every copy
is a document of its own (a comment line for a text export, bytes after ``%%EOF`` for a
PDF, which readers ignore). The first run loads them; then the no-change run and the
one-file run are timed as whole processes (start-up included, as cron or systemd starts
them), best of ``--repeat``. Issue 9 asks the difference to stay under 2 s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGETS_ETL = str(Path(sys.executable).with_name("targets-etl"))


def make_files(folder: Path, count: int) -> None:
    samples = sorted(p for p in (ROOT / "samples" / "docs").iterdir()
                     if p.suffix in (".pdf", ".txt"))
    for k in range(count):
        sample = samples[k % len(samples)]
        tail = (f"\n%copy {k}\n" if sample.suffix == ".pdf" else f"\n\n备注：副本 {k}\n")
        (folder / f"{k:04d}-{sample.name}").write_bytes(sample.read_bytes() + tail.encode())


def timed_run(source: Path, db: str) -> float:
    started = time.perf_counter()
    done = subprocess.run([TARGETS_ETL, "run", str(source), "--db", db], capture_output=True,
                          text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"targets-etl run {source} exited {done.returncode}: {done.stderr}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--db", help="warehouse URL (default: a fresh SQLite file)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nochange-") as tmp:
        many, one = Path(tmp) / "many", Path(tmp) / "one"
        many.mkdir()
        one.mkdir()
        make_files(many, args.files)
        make_files(one, 1)
        db = args.db or f"sqlite:///{Path(tmp) / 'w.db'}"
        print(f"first run over {args.files} files: {timed_run(many, db):.1f} s", flush=True)
        timed_run(one, db)
        nochange = min(timed_run(many, db) for _ in range(args.repeat))
        baseline = min(timed_run(one, db) for _ in range(args.repeat))
        print(f"no-change run over {args.files} files: {nochange:.2f} s")
        print(f"run over a one-file source:   {baseline:.2f} s")
        print(f"difference: {nochange - baseline:.2f} s (goal: under 2 s; best of "
              f"{args.repeat})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
