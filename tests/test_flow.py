"""The Prefect flow end to end on a real SQLite warehouse, under prefect_test_harness."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from prefect import flow, task
from prefect.client.schemas.objects import Artifact
from prefect.testing.utilities import prefect_test_harness

from flows import pipeline
from flows.etl import etl_flow
from flows.pool import PoolSettings
from flows.run import RunRequest, Steps
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


@pytest.fixture
def warehouse(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The flows read the warehouse URL from the environment, never from a parameter."""
    monkeypatch.setenv("WAREHOUSE_URL", sqlite_url)
    return sqlite_url


def summary_of(result: object) -> dict[str, int]:
    assert isinstance(result, dict), result
    return dict(result["summary"])


def artifacts(key: str) -> list[Artifact]:
    """The artifacts of ``key`` on the test harness's Prefect server, newest first."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    with get_client(sync_client=True) as client:
        return list(client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])),
            sort=ArtifactSort.CREATED_DESC))


def test_run_loads_good_files_and_quarantines_bad_ones(inbox: Path, warehouse: str) -> None:
    sqlite_url = warehouse
    summary = summary_of(etl_flow(sources=[str(inbox)], workers=1))
    markdown = artifacts("targets-etl-summary")[0]
    assert "| quarantined | 2 |" in str(markdown.data) and "minutes.txt" in str(markdown.data)
    table = artifacts("targets-etl-files")[0]
    rows = {Path(r["uri"]).name: (r["status"], r["reason"]) for r in json.loads(str(table.data))}
    assert rows == {SEED.name: ("loaded", None), S09.name: ("loaded", None),
                    "minutes.txt": ("quarantined", "not_a_target_table"),
                    "empty.txt": ("quarantined", "empty_file")}
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


def test_second_run_reports_every_file_unchanged(inbox: Path, warehouse: str) -> None:
    etl_flow(sources=[str(inbox)], workers=1)
    again = summary_of(etl_flow(sources=[str(inbox)], workers=1))
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
            "SELECT d.status FROM source_location l JOIN dim_source_document d"
            " ON d.source_document_key = l.source_document_key WHERE l.uri LIKE :name"),
            {"name": "%broken-money.txt"})
        assert status.scalar_one() == "loaded"
        assert conn.execute(sa.text("SELECT count(*) FROM v_project_year")).scalar() == 7
    engine.dispose()


def test_backfill_rereads_the_documents_of_its_years_in_any_folder_layout(
        tmp_path: Path, warehouse: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """No year folders: the years come from the documents. The 2020 document is parsed
    again although its bytes did not change, the 2021 one is left alone, and a year no
    document prints ends the flow run Failed, saying which."""
    from flows.etl import backfill_flow

    root = tmp_path / "inbox"
    (root / "misc").mkdir(parents=True)
    shutil.copy(SEED, root / "misc" / SEED.name)  # 2020
    shutil.copy(S09, root / S09.name)  # 2021
    monkeypatch.setenv("TARGETS_ETL_SOURCE", str(root))
    first = summary_of(backfill_flow(years=[2020]))
    assert (first["files_seen"], first["files_loaded"]) == (2, 2)
    state = backfill_flow(years=[2020, 2019], return_state=True)
    assert state.is_failed()
    data = state.result(raise_on_failure=False)
    again = data["summary"]
    assert (again["files_seen"], again["files_loaded"], again["files_unchanged"]) == (2, 1, 1)
    assert (data["years_missing"], list(data["years_found"]), data["exit_code"]) == (
        [2019], ["2020"], 3)
    engine = sa.create_engine(warehouse)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM v_project_year WHERE year = 2020")
                            ).scalar() == data["years_found"]["2020"]
    engine.dispose()


def plan_then_lose_a_file(engine: sa.Engine, listing: pipeline.Listing, force: bool,
                          years: frozenset[int]) -> pipeline.Plan:
    """The real plan; then one planned file disappears before it is read."""
    decided = pipeline.plan(engine, listing, force, years)
    for job in decided.jobs:
        if job.candidate.uri.endswith("vanishing.txt"):
            os.remove(job.candidate.path)
    return decided


def test_a_run_that_exits_non_zero_ends_failed(inbox: Path, warehouse: str) -> None:
    """An alert on failed flow runs must fire when a file was not processed."""
    from flows.etl import process_task, tracked_run

    shutil.copy(SEED, inbox / "vanishing.txt")
    (inbox / "vanishing.txt").write_text(SEED.read_text(encoding="utf-8") + "\n")
    steps = Steps(plan=task(name="plan")(plan_then_lose_a_file), process=process_task)

    @flow(name="probe")
    def probe() -> object:
        return tracked_run(RunRequest((str(inbox),), warehouse, pool=PoolSettings(workers=1)),
                           steps)

    state = probe(return_state=True)
    assert state.is_failed()
    data = state.result(raise_on_failure=False)
    assert (data["exit_code"], data["summary"]["files_failed"]) == (1, 1)


def test_no_flow_parameter_names_a_warehouse_or_a_path() -> None:
    """A caller of the Prefect API can start runs, but not aim them elsewhere; no password is
    stored with a flow run."""
    from flows.etl import backfill_flow, nightly_flow

    assert list(nightly_flow.parameters.properties) == []
    assert sorted(backfill_flow.parameters.properties) == ["force", "years"]
    assert not {"db_url", "inbox", "paths"} & set(etl_flow.parameters.properties)


def test_the_cli_with_a_configured_server_is_a_tracked_flow_run(inbox: Path,
                                                                tmp_path: Path) -> None:
    """With PREFECT_API_URL set, a run is a flow run on that server: Completed when it
    exits 0, Failed when it does not; the warehouse URL is in no parameter."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    from tests.cli_runner import run_cli

    api = str(PREFECT_API_URL.value())
    good = run_cli(["run", str(inbox), "--db", f"sqlite:///{tmp_path / 'w.db'}", "--workers",
                    "1"], tmp_path, PREFECT_API_URL=api)
    assert good.code == 0, good.err
    bad = run_cli(["run", str(inbox), "--db", "postgresql://postgres:secretpw@127.0.0.1:1/x"],
                  tmp_path, PREFECT_API_URL=api)
    assert bad.code == 2 and bad.err.count("\n") == 1, bad.err
    with get_client(sync_client=True) as client:
        runs = [r for r in client.read_flow_runs() if r.name and r.parameters.get("sources")
                == [str(inbox)]]
    states = sorted(str(r.state.type.value) for r in runs if r.state is not None)
    assert states == ["COMPLETED", "FAILED"]
    assert all("secretpw" not in str(r.parameters) and "db_url" not in r.parameters
               for r in runs)
