"""The worker-based setup of deploy/README.md, step by step, against a real Prefect server
started here on 127.0.0.1: create the process work pool, ``prefect deploy --all`` from the
repository, start a worker whose environment holds the warehouse URL and the source,
trigger the backfill deployment, and see the rows land."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.conftest import ROOT, SAMPLES

PREFECT = str(Path(sys.executable).with_name("prefect"))
SEED = SAMPLES / "seed" / "seed-2020-shanghai-kepu.txt"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PREFECT_") and k not in ("WAREHOUSE_URL", "TARGETS_ETL_SOURCE")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PYTHONPATH=str(ROOT), **extra)
    return env


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``prefect server start`` on a free port, with its own home and database."""
    home = tmp_path_factory.mktemp("prefect-home")
    port = _free_port()
    log = (home / "server.log").open("wb")
    proc = subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port",
                             str(port)], env=_env(home), stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    api = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 150
        while True:
            try:
                if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, (home / "server.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "the Prefect server did not start in 150 s"
            time.sleep(1)
        yield api, home
    finally:
        _stop(proc)
        log.close()


def _prefect(args: list[str], env: dict[str, str], timeout: float = 240) -> str:
    done = subprocess.run([PREFECT, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"prefect {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_deploy_start_a_worker_and_trigger_the_backfill(prefect_api: tuple[str, Path],
                                                        tmp_path: Path) -> None:
    api, home = prefect_api
    env = _env(home, PREFECT_API_URL=api)
    _prefect(["work-pool", "create", "targets-etl", "--type", "process"], env)
    _prefect(["--no-prompt", "deploy", "--all", "--prefect-file", "deploy/prefect.yaml"], env)

    deployments = httpx.post(f"{api}/deployments/filter", json={}, timeout=10).json()
    by_name = {d["name"]: d for d in deployments}
    assert set(by_name) == {"nightly", "backfill"}
    for d in deployments:
        assert d["pull_steps"] == [{"prefect.deployments.steps.set_working_directory": {
            "directory": str(ROOT.resolve())}}]
        assert d["work_pool_name"] == "targets-etl"
        assert "sqlite" not in json.dumps(d["parameters"])
    (schedule,) = by_name["nightly"]["schedules"]
    assert (schedule["schedule"]["cron"], schedule["schedule"]["timezone"]) == (
        "30 2 * * *", "Asia/Shanghai")

    inbox = tmp_path / "flat-inbox"  # no year folders: the years come from the documents
    inbox.mkdir()
    shutil.copy(SEED, inbox / SEED.name)
    db = tmp_path / "warehouse.db"
    worker_log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [PREFECT, "worker", "start", "--pool", "targets-etl", "--type", "process"], cwd=ROOT,
        env={**env, "WAREHOUSE_URL": f"sqlite:///{db}", "TARGETS_ETL_SOURCE": str(inbox),
             "PREFECT_WORKER_QUERY_SECONDS": "2"},
        stdout=worker_log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out = _prefect(["deployment", "run", "targets-etl-backfill/backfill", "--params",
                        json.dumps({"years": [2020]}), "--watch", "--watch-timeout", "240"],
                       env, timeout=300)
        assert "Completed" in out, out
    finally:
        _stop(worker)
        worker_log.close()
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT count(*), min(source_uri) FROM v_project_year "
                                    "WHERE year = 2020")).one()
    engine.dispose()
    assert rows[0] > 0 and rows[1] == str(inbox / SEED.name)
