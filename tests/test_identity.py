"""A document is its bytes: renaming, moving and copying add no rows; a corrected
re-publication replaces the project-year it prints and keeps the old version in history;
a file gone from its source is reported, and only ``retire`` removes rows. On SQLite and
PostgreSQL."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import SAMPLES
from tests.test_warehouse import run_files, snapshot
from warehouse.db import ensure_schema, make_engine, upgrade
from warehouse.status import retire, warehouse_status

SEED = SAMPLES / "seed" / "seed-2020-shanghai-kepu.txt"
S09 = next(SAMPLES.glob("docs/s09_*.txt"))
FACT_TABLES = ("dim_unit", "dim_project", "dim_year", "dim_indicator", "dim_source_document",
               "fact_project_year", "fact_indicator_target")


def rows(engine: sa.Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql))]


def facts(engine: sa.Engine) -> dict[str, list[tuple[object, ...]]]:
    return {k: v for k, v in snapshot(engine).items() if k in FACT_TABLES}


def budget_sum(engine: sa.Engine) -> object:
    return rows(engine, "SELECT sum(total_budget_yuan), count(*) FROM v_project_year")[0]


def test_rename_move_and_copy_add_no_rows(engine: sa.Engine, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED, inbox / "a.txt")
    run_files(engine, [inbox])
    before, budget = facts(engine), budget_sum(engine)

    (inbox / "a.txt").rename(inbox / "renamed.txt")  # rename
    summary = run_files(engine, [inbox])
    assert (summary.files_copies, summary.files_loaded, summary.files_gone) == (1, 0, 1)
    (inbox / "sub").mkdir()
    (inbox / "renamed.txt").rename(inbox / "sub" / "moved.txt")  # move
    run_files(engine, [inbox])
    shutil.copy(inbox / "sub" / "moved.txt", inbox / "copy.txt")  # copy
    summary = run_files(engine, [inbox])
    assert (summary.files_copies, summary.files_unchanged, summary.project_rows) == (1, 1, 0)

    assert budget_sum(engine) == budget
    after = facts(engine)
    assert {k: v for k, v in after.items() if k != "dim_source_document"} == {
        k: v for k, v in before.items() if k != "dim_source_document"}
    assert len(after["dim_source_document"]) == 1
    # the views point at a place where the document is now
    [(uri,)] = rows(engine, "SELECT DISTINCT source_uri FROM v_project_year")
    assert Path(str(uri)).exists()
    assert sorted(Path(str(u)).name for (u, p) in rows(
        engine, "SELECT uri, is_present FROM source_location") if p) == ["copy.txt", "moved.txt"]


def test_fifty_copies_load_as_one_document(engine: sa.Engine, tmp_path: Path) -> None:
    for i in range(50):
        (tmp_path / f"copy{i}").mkdir()
        shutil.copy(SEED, tmp_path / f"copy{i}" / SEED.name)
    summary = run_files(engine, [tmp_path])
    assert (summary.files_seen, summary.files_loaded, summary.project_rows) == (50, 1, 4)
    assert rows(engine, "SELECT count(*) FROM v_project_year") == [(4,)]
    assert rows(engine, "SELECT count(*) FROM source_location") == [(50,)]


def republish(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_corrected_republication_replaces_the_project_year(engine: sa.Engine,
                                                             tmp_path: Path) -> None:
    first = tmp_path / "2020-first.txt"
    shutil.copy(SEED, first)
    run_files(engine, [tmp_path])
    [(old_budget,)] = rows(engine, "SELECT total_budget_yuan FROM v_project_year"
                                   " WHERE project_name = '2020海智双创活动'")
    corrected = tmp_path / "2020-corrected.txt"
    shutil.copy(SEED, corrected)
    republish(corrected, "180,000", "190,000")
    summary = run_files(engine, [tmp_path])
    assert (summary.files_loaded, summary.files_unchanged) == (1, 1)

    assert rows(engine, "SELECT count(*) FROM v_project_year") == [(4,)]
    assert rows(engine, "SELECT count(*) FROM v_indicator_target") == [(64,)]
    current = rows(engine, "SELECT total_budget_yuan, source_uri FROM v_project_year"
                           " WHERE project_name = '2020海智双创活动'")
    assert [(float(str(b)), Path(str(u)).name) for b, u in current] == [
        (190000.0, "2020-corrected.txt")]
    history = rows(engine, "SELECT total_budget_yuan, is_current FROM v_project_year_history"
                           " WHERE project_name = '2020海智双创活动' ORDER BY is_current")
    assert [(float(str(b)), bool(c)) for b, c in history] == [
        (float(str(old_budget)), False), (190000.0, True)]

    # a re-run (even a forced one) keeps the corrected version current
    run_files(engine, [tmp_path], force=True)
    assert [float(str(b)) for (b,) in rows(
        engine, "SELECT total_budget_yuan FROM v_project_year"
                " WHERE project_name = '2020海智双创活动'")] == [190000.0]

    # retiring the correction brings the first version back
    message = retire(engine, str(corrected))
    assert "removed its document" in message
    assert [float(str(b)) for (b,) in rows(
        engine, "SELECT total_budget_yuan FROM v_project_year"
                " WHERE project_name = '2020海智双创活动'")] == [float(str(old_budget))]
    assert rows(engine, "SELECT count(*) FROM v_project_year_history") == [(4,)]


def test_a_file_edited_in_place_is_the_new_version(engine: sa.Engine, tmp_path: Path) -> None:
    path = tmp_path / SEED.name
    shutil.copy(SEED, path)
    run_files(engine, [tmp_path])
    republish(path, "180,000", "190,000")
    run_files(engine, [tmp_path])
    assert [float(str(b)) for (b,) in rows(
        engine, "SELECT total_budget_yuan FROM v_project_year"
                " WHERE project_name = '2020海智双创活动'")] == [190000.0]
    status = warehouse_status(engine)
    assert status.stranded == []  # the old version is superseded, not stranded


def test_a_deleted_file_is_reported_and_kept_until_retired(engine: sa.Engine,
                                                           tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED, inbox / SEED.name)
    shutil.copy(S09, inbox / S09.name)
    run_files(engine, [inbox])
    (inbox / S09.name).unlink()
    summary = run_files(engine, [inbox])
    assert summary.files_gone == 1
    assert rows(engine, "SELECT count(*) FROM v_project_year") == [(7,)]  # nothing deleted
    status = warehouse_status(engine)
    assert [Path(u).name for u in status.stranded] == [S09.name]
    assert "documents no longer at any source" in "\n".join(status.lines())
    assert run_files(engine, [inbox]).files_gone == 0  # reported once, when it went
    retire(engine, str(inbox / S09.name))
    assert rows(engine, "SELECT count(*) FROM v_project_year") == [(4,)]
    assert warehouse_status(engine).stranded == []


def test_a_version_1_warehouse_upgrades_and_merges_copies(warehouse_url: str,
                                                          tmp_path: Path) -> None:
    """v1 keyed documents by path: 2 copies of the seed loaded twice. The upgrade keeps one
    document (the first), both locations, every dimension key, and one current row per
    project-year."""
    engine = make_engine(warehouse_url)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO load_run (load_run_key, started_at, status) "
                             "VALUES (1, CURRENT_TIMESTAMP, 'succeeded')"))
        conn.execute(sa.text("INSERT INTO dim_unit VALUES (7, 'u', '单位')"))
        conn.execute(sa.text("INSERT INTO dim_project VALUES (9, 'u|p', 7, '项目')"))
        conn.execute(sa.text("INSERT INTO dim_year VALUES (2020, 2020)"))
        conn.execute(sa.text("INSERT INTO dim_indicator VALUES (3, 'k', 'shanghai', 'a', 'b',"
                             " 'c')"))
        for doc in (1, 2):
            conn.execute(sa.text(
                "INSERT INTO dim_source_document (source_document_key, uri, file_name, sha256,"
                " size_bytes, form_count, status, load_run_key, loaded_at) VALUES"
                f" ({doc}, '/in/{doc}.txt', '{doc}.txt', 'abc', 10, 1, 'loaded', 1,"
                " CURRENT_TIMESTAMP)"))
            conn.execute(sa.text(
                "INSERT INTO fact_project_year (project_year_key, project_key, year_key,"
                " unit_key, source_document_key, form_index, form_page, layout,"
                f" total_budget_yuan) VALUES ({doc * 10}, 9, 2020, 7, {doc}, 0, 1, 'shanghai',"
                " 100)"))
            conn.execute(sa.text(
                "INSERT INTO fact_indicator_target (project_year_key, indicator_key,"
                f" row_index, target_raw) VALUES ({doc * 10}, 3, 0, '合理')"))
    from flows.cli import main

    assert main(["db", "upgrade", "--db", warehouse_url]) == 0  # what an operator runs
    assert rows(engine, "SELECT source_document_key, sha256 FROM dim_source_document") == [
        (1, "abc")]
    assert sorted(rows(engine, "SELECT uri, source_document_key FROM source_location")) == [
        ("/in/1.txt", 1), ("/in/2.txt", 1)]
    assert rows(engine, "SELECT project_year_key FROM fact_project_year") == [(10,)]
    assert rows(engine, "SELECT unit_name, project_name, total_budget_yuan FROM v_project_year"
                ) in ([("单位", "项目", 100)], [("单位", "项目", 100.0)])
    assert rows(engine, "SELECT count(*) FROM v_indicator_target") == [(1,)]
    assert rows(engine, "SELECT period FROM v_indicator_target") == [("annual",)]
    assert rows(engine, "SELECT unit_key, project_key FROM fact_project_year") == [(7, 9)]
    assert rows(engine, "SELECT indicator_key FROM fact_indicator_target") == [(3,)]
    engine.dispose()


def test_a_file_rewritten_during_a_run_is_stored_with_the_bytes_that_were_parsed(
        engine: sa.Engine, tmp_path: Path) -> None:
    """The plan hashed one version, the worker reads the file once: hash and facts come from
    that one read."""
    from flows import pipeline
    from warehouse.runs import start_run

    path = tmp_path / SEED.name
    shutil.copy(SEED, path)
    ensure_schema(engine)
    run_key = start_run(engine)
    decided = pipeline.plan(engine, pipeline.discover([str(path)]))
    republish(path, "180,000", "190,000")  # rewritten after the plan hashed it
    [(job, item)] = list(pipeline.prepare_in_process(decided.jobs))
    assert item.source is not None
    assert job.candidate.sha256 != item.source.sha256  # the plan saw the old bytes
    pipeline.load(engine, run_key, job, item)
    [(sha,)] = rows(engine, "SELECT sha256 FROM dim_source_document")
    assert sha == hashlib.sha256(path.read_bytes()).hexdigest()
    assert 190000.0 in [float(str(b)) for (b,) in rows(
        engine, "SELECT total_budget_yuan FROM v_project_year")]


def test_invisible_characters_do_not_split_a_unit_or_a_project(engine: sa.Engine,
                                                               tmp_path: Path) -> None:
    """The same forms with zero-width spaces, a BOM and a bidi mark inside the names are the
    same unit and projects (a re-publication of them), not new ones."""
    shutil.copy(SEED, tmp_path / "plain.txt")
    text = SEED.read_text(encoding="utf-8")
    marked = (text.replace("上海市科普教育", "上海市\u200b科普\ufeff教育")
              .replace("海智双创", "海智\u200d双\u200e创"))
    assert marked != text
    (tmp_path / "marked.txt").write_text(marked, encoding="utf-8")
    summary = run_files(engine, [tmp_path])
    assert summary.files_loaded == 2
    assert rows(engine, "SELECT count(*) FROM dim_unit") == [(1,)]
    assert rows(engine, "SELECT count(*) FROM dim_project") == [(4,)]
    assert rows(engine, "SELECT count(*) FROM v_project_year") == [(4,)]
    names = [str(n) for (n,) in rows(engine, "SELECT unit_name FROM dim_unit")]
    assert all("\u200b" not in n and "\ufeff" not in n for n in names)
