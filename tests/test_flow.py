"""The Prefect flow end to end on a real SQLite warehouse, under prefect_test_harness."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from prefect.testing.utilities import prefect_test_harness

from flows.etl import etl_flow
from tests.conftest import SAMPLES
from tests.support.score import read_views, score
from tests.support.truth import load_truth

SEED = SAMPLES / "seed" / "seed-2020-shanghai-kepu.txt"
S09 = next(SAMPLES.glob("docs/s09_*.txt"))


@pytest.fixture(scope="module", autouse=True)
def harness() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """The seed, a GBK copy of another export, and two files that are not target tables."""
    box = tmp_path / "inbox"
    box.mkdir()
    shutil.copy(SEED, box / SEED.name)
    (box / "gbk").mkdir()
    (box / "gbk" / S09.name).write_bytes(S09.read_text(encoding="utf-8").encode("gbk"))
    (box / "minutes.txt").write_text("会议纪要\n今天讨论了明年的工作安排。\n", encoding="utf-8")
    (box / "empty.txt").write_bytes(b"")
    return box


def test_run_loads_good_files_and_quarantines_bad_ones(inbox: Path, sqlite_url: str) -> None:
    summary = etl_flow(paths=[str(inbox)], db_url=sqlite_url, workers=1)
    assert summary["files_seen"] == 4
    assert summary["files_loaded"] == 2
    assert summary["files_quarantined"] == 2
    assert summary["files_failed"] == 0

    truth = load_truth(SAMPLES / "truth.json")
    docs = {"documents": [truth[SEED.name], truth[S09.name]]}
    result = score(read_views(sqlite_url), docs)
    assert result["indicator"]["f1"] == 1.0
    assert result["project"]["f1"] == 1.0
    assert result["field_acc"] == 1.0

    engine = sa.create_engine(sqlite_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT reason, scope, source_uri FROM quarantine ORDER BY reason")).all()
        assert [(r.reason, r.scope, Path(r.source_uri).name) for r in rows] == [
            ("empty_file", "file", "empty.txt"),
            ("not_a_target_table", "file", "minutes.txt"),
        ]
        encodings = dict(conn.execute(sa.text(
            "SELECT file_name, encoding FROM dim_source_document")).all())
        assert encodings[S09.name] == "gbk"
    engine.dispose()


def test_second_run_reports_every_file_unchanged(inbox: Path, sqlite_url: str) -> None:
    etl_flow(paths=[str(inbox)], db_url=sqlite_url, workers=1)
    again = etl_flow(paths=[str(inbox)], db_url=sqlite_url, workers=1)
    assert again["files_unchanged"] == 4
    assert again["files_loaded"] == again["project_rows"] == again["indicator_rows"] == 0


def test_quarantine_listing_and_retry_after_a_fix(inbox: Path, sqlite_url: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from flows.cli import main

    broken = inbox / "broken-money.txt"
    broken.write_text(SEED.read_text(encoding="utf-8").replace("180,000", "十八万", 1),
                      encoding="utf-8")
    assert main(["run", str(inbox), "--db", sqlite_url, "--workers", "1"]) == 0
    capsys.readouterr()

    assert main(["quarantine", "--db", sqlite_url, "--reason", "bad_money"]) == 0
    out = capsys.readouterr().out
    assert "broken-money.txt" in out and "十八万" in out and "1 quarantined item(s)" in out
    assert main(["quarantine", "--db", sqlite_url, "--year", "2020"]) == 0
    assert "1 quarantined item(s)" in capsys.readouterr().out

    broken.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")  # the fix
    assert main(["retry", "--db", sqlite_url, "--workers", "1"]) == 0
    capsys.readouterr()
    assert main(["quarantine", "--db", sqlite_url, "--reason", "bad_money"]) == 0
    assert "0 quarantined item(s)" in capsys.readouterr().out
    engine = sa.create_engine(sqlite_url)
    with engine.connect() as conn:
        status = conn.execute(sa.text(
            "SELECT status FROM dim_source_document WHERE file_name = 'broken-money.txt'"))
        assert status.scalar_one() == "loaded"
    engine.dispose()


def test_backfill_rereads_the_year_folders_even_when_unchanged(tmp_path: Path,
                                                               sqlite_url: str) -> None:
    from flows.etl import backfill_flow

    root = tmp_path / "inbox"
    (root / "2020").mkdir(parents=True)
    (root / "2021").mkdir()
    shutil.copy(SEED, root / "2020" / SEED.name)
    shutil.copy(S09, root / "2021" / S09.name)
    first = backfill_flow(inbox=str(root), years=[2020], db_url=sqlite_url)
    assert (first["files_seen"], first["files_loaded"], first["project_rows"]) == (1, 1, 4)
    again = backfill_flow(inbox=str(root), years=[2020, 2019], db_url=sqlite_url)
    assert (again["files_seen"], again["files_loaded"], again["files_unchanged"]) == (1, 1, 0)
    engine = sa.create_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM v_project_year")).scalar() == 4
    engine.dispose()
