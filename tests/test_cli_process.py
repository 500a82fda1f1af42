"""``targets-etl`` as an operator meets it: real processes, real databases, real signals.

Stopping (SIGINT, SIGTERM) is prompt and clean; concurrent runs serialise on the warehouse's
run lock; every configuration error is one line with the right exit code; files that
cannot be read are quarantined by location; names are printed safely.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.cli_runner import UNPRIVILEGED, alive_with, run_cli, start, wait_gone
from tests.conftest import PG_ADMIN_URL, SAMPLES
from tests.test_faults import counts, distinct_copies
from warehouse.db import make_engine

SEED = SAMPLES / "seed" / "seed-2020-shanghai-kepu.txt"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def url_for(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'w.db'}"
    return str(request.getfixturevalue("pg_url"))


def loaded_documents(url: str) -> int:
    engine = make_engine(url)
    try:
        return counts(engine)["dim_source_document"]
    except sa.exc.SQLAlchemyError:  # not migrated yet
        return 0
    finally:
        engine.dispose()


# Each signal once, each backend once: the handler is the same code for both signals, and
# what differs per backend is how the interrupted transaction rolls back (each run is 100
# files twice, ~25 s: the full cross product cost CI a minute more and tested nothing new).
@pytest.mark.parametrize(("backend", "sig"), [
    ("sqlite", signal.SIGINT),
    pytest.param("postgresql", signal.SIGTERM, marks=pytest.mark.postgres),
], ids=["sqlite-SIGINT", "postgresql-SIGTERM"])
def test_a_signal_stops_the_run_within_seconds_and_the_next_run_finishes(
        backend: str, sig: signal.Signals, tmp_path: Path,
        request: pytest.FixtureRequest) -> None:
    url = url_for(backend, tmp_path, request)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    n_files = 100  # one worker takes several seconds for these: the signal lands mid-run
    distinct_copies(inbox, n_files)
    proc, mark = start(["run", str(inbox), "--db", url, "--workers", "1"], tmp_path)
    deadline = time.monotonic() + 90
    loaded = 0
    while time.monotonic() < deadline and proc.poll() is None and loaded < 1:
        time.sleep(0.05)
        loaded = loaded_documents(url)
    assert proc.poll() is None, "the run ended before it could be stopped"
    proc.send_signal(sig)
    signalled = time.monotonic()
    out, err = proc.communicate(timeout=30)
    took = time.monotonic() - signalled
    seen = (f"exit {proc.returncode} {took:.1f} s after the signal; {loaded} loaded when "
            f"signalled, {loaded_documents(url)} after; stdout {out!r}; stderr {err!r}")
    assert took < 10, seen
    assert proc.returncode == 130, seen
    assert "interrupted" in err and "Traceback" not in err
    assert wait_gone(mark) == [], "a worker outlived the run"

    engine = make_engine(url)
    stopped_at = counts(engine)
    assert stopped_at["fact_project_year"] == 4 * stopped_at["dim_source_document"]
    assert stopped_at["dim_source_document"] < n_files
    with engine.connect() as conn:
        assert list(conn.execute(sa.text("SELECT status FROM load_run")).scalars()) == [
            "interrupted"]
    engine.dispose()

    again = run_cli(["run", str(inbox), "--db", url], tmp_path)
    assert again.code == 0, again.err
    engine = make_engine(url)
    assert counts(engine) == {"dim_source_document": n_files,
                              "fact_project_year": 4 * n_files,
                              "fact_indicator_target": 64 * n_files}
    engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_runs_leave_the_rows_of_one_run(backend: str, tmp_path: Path,
                                                   request: pytest.FixtureRequest) -> None:
    url = url_for(backend, tmp_path, request)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    distinct_copies(inbox, 12)
    runs = [start(["run", str(inbox), "--db", url, "--wait", "--workers", "1"], tmp_path)[0]
            for _ in range(3)]
    results = [p.communicate(timeout=180) for p in runs]
    assert [p.returncode for p in runs] == [0, 0, 0], [err for _, err in results]
    lines = sorted(out.strip().splitlines()[-1] for out, _ in results)
    assert sum("12 loaded" in line for line in lines) == 1, lines
    assert sum("12 unchanged" in line for line in lines) == 2, lines
    engine = make_engine(url)
    assert counts(engine) == {"dim_source_document": 12, "fact_project_year": 48,
                              "fact_indicator_target": 12 * 64}
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM quarantine")).scalar() == 0
    engine.dispose()


def test_a_second_run_without_wait_says_the_warehouse_is_busy(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    distinct_copies(inbox, 40)
    first, _ = start(["run", str(inbox), "--db", url, "--workers", "1"], tmp_path)
    deadline = time.monotonic() + 60
    while loaded_documents(url) < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    second = run_cli(["run", str(inbox), "--db", url], tmp_path)
    first.communicate(timeout=180)
    assert second.code == 2
    assert second.err.count("\n") == 1 and "busy" in second.err and "--wait" in second.err
    assert first.returncode == 0


def _pg_database_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


@pytest.mark.parametrize(("args", "needle"), [
    (["run", "{inbox}", "--db", "postgresq://etl:secretpw@db/x"], "unknown warehouse URL scheme"),
    (["run", "{inbox}", "--db", "mysql://etl@db/x"], "not supported"),
    (["run", "{tmp}/no/such/folder", "--db", "sqlite:///{tmp}/w.db"], "no such file or folder"),
    (["run", "{tmp}/empty", "--db", "sqlite:///{tmp}/w.db"], "no .pdf or .txt documents"),
    (["run", "{inbox}", "--db", "sqlite:///{tmp}/missing/dir/w.db"], "does not exist"),
    pytest.param(["run", "{inbox}", "--db", "{pg_missing}"], "createdb",
                 marks=pytest.mark.postgres),
    (["run", "{inbox}", "--db", "postgresql://postgres:secretpw@127.0.0.1:1/x"],
     "cannot reach the warehouse"),
    (["retire", "/never/seen.txt", "--db", "sqlite:///{tmp}/w.db"], "no such location"),
])
def test_configuration_errors_are_one_line_with_exit_code_2(args: list[str], needle: str,
                                                            tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED, inbox)
    (tmp_path / "empty").mkdir()
    values = {"inbox": str(inbox), "tmp": str(tmp_path),
              "pg_missing": _pg_database_url("targets_etl_no_such_db")}
    done = run_cli([a.format(**values) for a in args], tmp_path)
    assert done.code == 2, (done.out, done.err)
    assert done.err.count("\n") == 1, done.err
    assert needle in done.err and "Traceback" not in done.err
    assert "secretpw" not in done.err + done.out


def test_a_missing_driver_names_the_install_command(tmp_path: Path) -> None:
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(
        "import sys\nclass _Block:\n    def find_spec(self, name, *a):\n"
        "        if name == 'psycopg' or name.startswith('psycopg.'):\n"
        "            raise ModuleNotFoundError(\"No module named 'psycopg'\", name=name)\n"
        "sys.meta_path.insert(0, _Block())\n", encoding="utf-8")
    shutil.copy(SEED, tmp_path)
    from tests.conftest import ROOT

    done = run_cli(["run", str(tmp_path / SEED.name), "--db", "postgresql://u@127.0.0.1/x"],
                   tmp_path, PYTHONPATH=f"{shim}{os.pathsep}{ROOT}")
    assert done.code == 2
    assert "pip install 'targets-etl[postgres]'" in done.err and done.err.count("\n") == 1


def test_unlistable_and_unreadable_inputs_are_quarantined_by_location(tmp_path: Path) -> None:
    """Permissions, dangling links and names that are not UTF-8: each is recorded by its
    location, and the readable files load."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to drop the permission-bypassing capabilities")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED, inbox / "good.txt")
    (inbox / "secret.txt").write_bytes(SEED.read_bytes())
    os.chmod(inbox / "secret.txt", 0o000)
    locked = inbox / "locked"
    locked.mkdir()
    shutil.copy(SEED, locked / "inside.txt")
    os.chmod(locked, 0o000)
    os.symlink(inbox / "nowhere.txt", inbox / "dangling.txt")
    name = os.fsencode(inbox) + b"/caf\xe9-latin1.txt"  # not UTF-8
    with open(name, "wb") as fh:
        fh.write(SEED.read_bytes().replace("上海市科普教育展示技术中心".encode(),
                                           "上海市别的中心".encode()))
    db = f"sqlite:///{tmp_path / 'w.db'}"
    done = run_cli(["run", str(inbox), "--db", db], tmp_path, prefix=UNPRIVILEGED)
    os.chmod(locked, 0o755)
    assert done.code == 0, done.err
    engine = make_engine(db)
    with engine.connect() as conn:
        reasons = {Path(u).name: r for u, r in conn.execute(sa.text(
            "SELECT source_uri, reason FROM quarantine"))}
        loaded = sorted(Path(u).name for (u,) in conn.execute(sa.text(
            "SELECT DISTINCT source_uri FROM v_project_year")))
    engine.dispose()
    assert reasons == {"secret.txt": "unreadable", "locked": "unreadable",
                       "dangling.txt": "unreadable"}
    assert loaded == ["caf\\xe9-latin1.txt", "good.txt"]
    listing = run_cli(["quarantine", "--db", db], tmp_path)
    assert "3 quarantined item(s)" in listing.out and "Permission denied" in listing.out


def test_names_are_printed_safely(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "evil\x1b[2J\x1b]0;owned\x07.txt").write_bytes(b"")
    db = f"sqlite:///{tmp_path / 'w.db'}"
    assert run_cli(["run", str(inbox), "--db", db], tmp_path).code == 0
    listing = run_cli(["quarantine", "--db", db], tmp_path)
    assert "\x1b" not in listing.out and "\x07" not in listing.out
    assert "evil\\x1b[2J\\x1b]0;owned\\x07.txt" in listing.out


def test_a_decompression_bomb_costs_one_file(tmp_path: Path) -> None:
    from tests.bad_files import decompression_bomb_pdf

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    decompression_bomb_pdf(inbox / "bomb.pdf", expanded_mb=1024)
    shutil.copy(SEED, inbox)
    db = f"sqlite:///{tmp_path / 'w.db'}"
    done = run_cli(["run", str(inbox), "--db", db, "--worker-memory-mb", "512"], tmp_path)
    assert done.code == 0, done.err
    engine = make_engine(db)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT reason FROM quarantine")).scalars().all() == [
            "extract_memory"]
        assert conn.execute(sa.text("SELECT count(*) FROM v_project_year")).scalar() == 4
    engine.dispose()


def test_the_sqlite_file_is_whole_after_a_run(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    assert run_cli(["run", str(SEED), "--db", f"sqlite:///{db}"], tmp_path).code == 0
    assert not (tmp_path / "w.db-wal").exists() or (tmp_path / "w.db-wal").stat().st_size == 0
    copy = tmp_path / "copied" / "w.db"
    copy.parent.mkdir()
    shutil.copy(db, copy)  # what an analyst does
    engine = sa.create_engine(f"sqlite:///{copy}")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM v_project_year")).scalar() == 4
    engine.dispose()


@pytest.mark.postgres
def test_no_password_reaches_the_audit_trail_or_the_output(pg_url: str, tmp_path: Path) -> None:
    with_password = pg_url.replace("postgres@", "postgres:secretpw@")  # trust auth ignores it
    done = run_cli(["run", str(SEED), "--db", with_password, "--json"], tmp_path)
    assert done.code == 0, done.err
    assert "secretpw" not in done.out + done.err
    engine = make_engine(pg_url)
    with engine.connect() as conn:
        dump = " ".join(str(r) for t in ("load_run", "quarantine", "dim_source_document")
                        for r in conn.execute(sa.text(f"SELECT * FROM {t}")))
    engine.dispose()
    assert "secretpw" not in dump


def test_no_process_survives_a_run(tmp_path: Path) -> None:
    proc, mark = start(["run", str(SEED), "--db", f"sqlite:///{tmp_path / 'w.db'}"], tmp_path)
    proc.communicate(timeout=120)
    assert proc.returncode == 0
    assert wait_gone(mark) == []
    assert alive_with(mark) == []
