"""What a run tells its operator: progress while it reads, where the data went, a JSON
summary with every file read, the list of past runs, a dry run that reads and writes
nothing, the version, and examples in every command's help."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from flows.cli import build_parser
from flows.feedback import FileReport, LineProgress, summary_markdown
from tests.cli_runner import run_cli
from tests.conftest import SAMPLES
from warehouse.runs import RunSummary

SEED = SAMPLES / "seed" / "seed-2020-shanghai-kepu.txt"
S09 = next(SAMPLES.glob("docs/s09_*.txt"))


def test_progress_lines_come_at_most_every_interval_and_once_at_the_end() -> None:
    now = [0.0]
    lines: list[str] = []
    progress = LineProgress(lines.append, every_s=10.0, clock=lambda: now[0])
    progress.start(40)
    for _ in range(40):
        now[0] += 1.0  # one file per second
        progress.advance()
    progress.close()
    assert lines == ["progress: 10/40 files (25%), 1.0 files/s, about 30 s left",
                     "progress: 20/40 files (50%), 1.0 files/s, about 20 s left",
                     "progress: 30/40 files (75%), 1.0 files/s, about 10 s left",
                     "progress: 40/40 files (100%)"]


def test_the_markdown_summary_names_the_warehouse_and_what_needs_a_look() -> None:
    summary = RunSummary(files_seen=3, files_loaded=1, files_quarantined=1, files_failed=1,
                         project_rows=2, indicator_rows=30, quarantine_rows=1)
    files = [FileReport("/in/a.txt", "loaded", None, 2, 30),
             FileReport("/in/b.txt", "quarantined", "not_a_target_table"),
             FileReport("/in/c.pdf", "failed", None, message="vanished")]
    text = summary_markdown(summary, "postgresql://etl:***@db/wh", 7, files, [2019])
    assert text.startswith("## targets-etl run 7\n\nWarehouse: `postgresql://etl:***@db/wh`")
    assert "| quarantined | 1 |" in text and "| failed | 1 |" in text
    assert "| /in/b.txt | quarantined | not_a_target_table |" in text
    assert "| /in/c.pdf | failed |  |" in text and "/in/a.txt" not in text
    assert text.endswith("No document prints a form of: 2019")


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    box = tmp_path / "inbox"
    box.mkdir()
    shutil.copy(SEED, box / SEED.name)
    shutil.copy(S09, box / S09.name)
    (box / "minutes.txt").write_text("会议纪要\n今天讨论了明年的工作安排。\n", encoding="utf-8")
    return box


def test_a_run_reports_progress_where_the_data_went_and_json_lists_every_file(
        inbox: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'w.db'}"
    plain = run_cli(["run", str(inbox), "--db", db, "--workers", "1"], tmp_path)
    assert plain.code == 0, plain.err
    assert "progress: 3/3 files (100%)" in plain.err  # not a terminal: plain lines
    assert f"warehouse: {db} (load run 1;" in plain.out

    (inbox / S09.name).write_text(S09.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    done = run_cli(["run", str(inbox), "--db", db, "--workers", "1", "--json"], tmp_path)
    data = json.loads(done.out)
    assert (data["run_key"], data["exit_code"], data["warehouse"]) == (2, 0, db)
    assert data["summary"]["files_unchanged"] == 2
    [changed] = data["files"]
    assert (Path(changed["uri"]).name, changed["status"], changed["reason"]) == (
        S09.name, "loaded", None)
    assert changed["project_rows"] > 0

    runs = run_cli(["runs", "--db", db], tmp_path)
    assert runs.code == 0
    lines = runs.out.splitlines()
    assert lines[0].startswith("run 2: succeeded, started ") and "1 loaded, 2 unchanged" in lines[0]
    assert lines[1].startswith("run 1: succeeded") and "2 loaded" in lines[1]
    as_json = json.loads(run_cli(["runs", "--db", db, "--json", "--limit", "1"], tmp_path).out)
    assert [r["load_run_key"] for r in as_json] == [2]


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(inbox: Path,
                                                            tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.db"
    first = run_cli(["run", str(inbox), "--db", f"sqlite:///{fresh}", "--dry-run"], tmp_path)
    assert first.code == 0, first.err
    assert not fresh.exists()
    assert "dry run: 3 to read, 0 unchanged, 0 to quarantine" in first.out

    db = f"sqlite:///{tmp_path / 'w.db'}"
    assert run_cli(["run", str(inbox), "--db", db, "--workers", "1"], tmp_path).code == 0
    (inbox / SEED.name).write_text(SEED.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    (inbox / "new.txt").write_bytes(S09.read_bytes())
    preview = run_cli(["backfill", str(inbox), "--years", "2021", "--db", db, "--dry-run",
                       "--json"], tmp_path)
    actions = {Path(p["uri"]).name: (p["action"], p["why"]) for p in json.loads(preview.out)}
    assert actions == {
        SEED.name: ("read", "changed since it was read (size, time or ETag)"),
        S09.name: ("read", "prints a form of 2021"),
        "minutes.txt": ("skip", "unchanged (same size, time)"),
        "new.txt": ("read", "new location"),
    }
    engine = sa.create_engine(db)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM load_run")).scalar() == 1
    engine.dispose()


def test_version_and_examples_in_every_commands_help(tmp_path: Path) -> None:
    done = run_cli(["--version"], tmp_path)
    assert done.code == 0 and done.out.startswith("targets-etl ")
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.choices and isinstance(a.choices, dict))
    assert isinstance(subparsers.choices, dict)
    for name, sub in subparsers.choices.items():
        assert "example" in (sub.epilog or ""), name
    assert "3 a backfill year without a document" in (parser.epilog or "")
