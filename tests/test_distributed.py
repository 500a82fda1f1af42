"""Scale-out: extraction on a real two-worker Dask cluster (started here on 127.0.0.1)
through prefect-dask's ``DaskTaskRunner`` loads exactly the rows a local run loads, one
transaction per file in the warehouse, the files going out to the cluster in batches of a
few files."""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from prefect.testing.utilities import prefect_test_harness

from extractors.errors import ConfigurationError
from flows.distributed import BATCH_FILES, WORKER_PRELOAD, DaskSettings, batches
from tests.conftest import SAMPLES
from tests.test_sources import view_rows
from tests.test_warehouse import run_files
from warehouse.db import ensure_schema, make_engine

DOCS = sorted((SAMPLES / "docs").glob("s*"))


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    from distributed import LocalCluster

    with prefect_test_harness(server_startup_timeout=120), LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address=None, preload=list(WORKER_PRELOAD)) as local:
        yield str(local.scheduler_address)


def test_settings_name_one_cluster() -> None:
    with pytest.raises(ConfigurationError, match="either a Dask scheduler address"):
        DaskSettings()
    with pytest.raises(ConfigurationError, match="either"):
        DaskSettings(address="tcp://127.0.0.1:8786", workers=2)
    with pytest.raises(ConfigurationError, match="at least 1, not 0"):
        DaskSettings(workers=0)
    assert [len(b) for b in batches(list(range(10)), 4)] == [4, 4, 2]  # type: ignore[arg-type]


def test_a_run_on_a_dask_cluster_loads_what_a_local_run_loads(
        cluster: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from distributed import Client

    from flows.etl import etl_flow

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for doc in DOCS:
        shutil.copy(doc, inbox / doc.name)
    (inbox / "minutes.txt").write_text("会议纪要\n今天讨论了明年的工作安排。\n", encoding="utf-8")

    local = make_engine(f"sqlite:///{tmp_path / 'local.db'}")
    ensure_schema(local)
    run_files(local, [inbox])

    url = f"sqlite:///{tmp_path / 'dask.db'}"
    monkeypatch.setenv("WAREHOUSE_URL", url)
    flow = etl_flow.with_options(task_runner=DaskSettings(address=cluster).task_runner())
    result = flow(sources=[str(inbox)], distributed=True)
    assert isinstance(result, dict), result
    assert (result["summary"]["files_loaded"], result["summary"]["files_quarantined"]) == (
        len(DOCS), 1)
    engine = make_engine(url)
    assert view_rows(engine) == view_rows(local)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT reason FROM quarantine")).scalars().all() == [
            "not_a_target_table"]

    with Client(cluster) as client:
        done = client.run_on_scheduler(lambda dask_scheduler: dict(
            dask_scheduler.task_prefixes["prepare_batch"].state_counts))
    assert done["memory"] == math.ceil((len(DOCS) + 1) / BATCH_FILES)  # batches completed
    assert done.get("erred", 0) == 0
