"""The warehouse on real databases (SQLite file and PostgreSQL): schema, views, idempotence."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from flows.pool import PoolSettings
from flows.run import RunRequest, run_etl
from tests.conftest import SAMPLES
from tests.support.score import read_views, score
from tests.support.truth import load_truth
from warehouse.db import current_revision, downgrade, ensure_schema, head_revision
from warehouse.runs import RunSummary
from warehouse.schema import metadata

SEED = SAMPLES / "seed" / "seed-2020-shanghai-kepu.txt"
V_PROJECT_YEAR_COLUMNS = [
    "year", "unit_name", "supervising_dept", "project_name", "project_category",
    "performance_type", "planned_start", "planned_end", "includes_gov_procurement",
    "total_budget_yuan", "current_year_budget_yuan", "prior_year_budget_yuan",
    "prior_year_executed_yuan", "fiscal_appropriation_yuan", "other_funds_yuan", "overview",
    "basis", "necessity", "overall_goal", "source_uri", "source_sha256",
    # contract v2
    "unit_code", "supervising_dept_code", "project_attribute", "project_period",
    "long_term_goal", "mid_term_budget_yuan", "carryover_yuan", "extra_fields",
    # extracted narratives v1 never stored
    "measures", "implementation_plan",
    # comparable across templates and years (issue 10)
    "annual_budget_yuan", "project_key", "unit_key", "layout",
]
V_INDICATOR_TARGET_COLUMNS = [
    "year", "unit_name", "project_name", "level1", "level2", "level3", "target_raw",
    "target_operator", "target_value", "target_value_high", "target_unit", "target_text",
    "source_uri", "source_page",
    # contract v2
    "period", "weight", "remarks", "explanation", "extra",
    # comparable across templates and years (issue 10)
    "project_key", "unit_key", "layout", "indicator_key", "level1_std", "level2_std",
]
TABLES = ["dim_indicator", "dim_project", "dim_source_document", "dim_unit", "dim_year",
          "fact_indicator_target", "fact_project_year", "load_run", "quarantine",
          "source_location"]
VIEWS = ["v_budget_reconciliation", "v_indicator_target", "v_indicator_target_history",
         "v_project_year", "v_project_year_history"]


def run_files(engine: sa.Engine, paths: Sequence[str | Path], force: bool = False) -> RunSummary:
    """One real run (``flows.run.run_etl``, without Prefect) over ``paths``."""
    url = engine.url.render_as_string(hide_password=False)
    request = RunRequest(tuple(str(p) for p in paths), url, force=force,
                         pool=PoolSettings(workers=1))
    return run_etl(request, report=lambda line: None).summary


def snapshot(engine: sa.Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every star-schema table (audit tables aside), keys included."""
    out = {}
    with engine.connect() as conn:
        for name in TABLES:
            if name in ("load_run",):
                continue
            table = metadata.tables[name]
            cols = [c for c in table.c if c.name not in (
                "loaded_at", "load_run_key", "quarantined_at", "last_seen_run_key")]
            rows = conn.execute(sa.select(*cols).order_by(*table.primary_key))
            out[name] = [tuple(r) for r in rows]
    return out


def test_migration_creates_exactly_the_metadata(engine: sa.Engine) -> None:
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
    inspector = sa.inspect(engine)
    assert sorted(t for t in inspector.get_table_names() if t != "alembic_version") == TABLES
    assert [c["name"] for c in inspector.get_columns("v_project_year")] == V_PROJECT_YEAR_COLUMNS
    assert [c["name"] for c in inspector.get_columns("v_indicator_target")] == (
        V_INDICATOR_TARGET_COLUMNS)
    assert sorted(inspector.get_view_names()) == VIEWS
    history = [c["name"] for c in inspector.get_columns("v_project_year_history")]
    assert history == [*V_PROJECT_YEAR_COLUMNS, "is_current", "source_loaded_at"]


def test_downgrade_removes_everything(engine: sa.Engine) -> None:
    ensure_schema(engine)
    downgrade(engine, "base")
    assert [t for t in sa.inspect(engine).get_table_names() if t != "alembic_version"] == []


def test_seed_loads_exactly(engine: sa.Engine) -> None:
    summary = run_files(engine, [SEED])
    assert (summary.files_loaded, summary.project_rows, summary.indicator_rows) == (1, 4, 64)
    truth = {"documents": [load_truth(SAMPLES / "truth.json")[SEED.name]]}
    result = score(read_views(engine.url.render_as_string(hide_password=False)), truth)
    assert result["project"]["f1"] == 1.0
    assert result["indicator"]["f1"] == 1.0
    assert result["field_acc"] == 1.0
    assert result["normalise_acc"] == 1.0
    assert result["source_page_acc"] == 1.0


def test_second_run_changes_nothing(engine: sa.Engine) -> None:
    run_files(engine, [SEED])
    before = snapshot(engine)
    summary = run_files(engine, [SEED])
    assert (summary.files_unchanged, summary.files_loaded) == (1, 0)
    assert snapshot(engine) == before


def test_changed_file_replaces_its_facts_and_keeps_dimension_keys(engine: sa.Engine,
                                                                    tmp_path: Path) -> None:
    copy = tmp_path / SEED.name
    shutil.copy(SEED, copy)
    run_files(engine, [copy])
    before = snapshot(engine)
    copy.write_text(SEED.read_text(encoding="utf-8").replace(">=85%", ">=90%"),
                    encoding="utf-8")
    summary = run_files(engine, [copy])
    assert summary.files_loaded == 1
    after = snapshot(engine)
    for dim in ("dim_unit", "dim_project", "dim_year", "dim_indicator"):
        assert after[dim] == before[dim]
    with engine.connect() as conn:
        targets = conn.execute(sa.text(
            "SELECT target_raw FROM v_indicator_target WHERE level3 = '项目满意率'")).scalars()
        assert list(targets) == [">=90%"]
        assert conn.execute(sa.text("SELECT count(*) FROM v_indicator_target")).scalar() == 64
        superseded = conn.execute(sa.text(
            "SELECT target_raw FROM v_indicator_target_history WHERE level3 = '项目满意率'"
            " AND NOT is_current")).scalars()
        assert list(superseded) == [">=85%"]


def test_a_copy_adds_a_location_and_no_rows(engine: sa.Engine, tmp_path: Path) -> None:
    copy = tmp_path / "copy-of-seed.txt"
    shutil.copy(SEED, copy)
    run_files(engine, [SEED])
    before = snapshot(engine)
    summary = run_files(engine, [copy])
    assert (summary.files_copies, summary.files_loaded, summary.project_rows) == (1, 0, 0)
    after = snapshot(engine)
    assert {k: v for k, v in after.items() if k != "source_location"} == {
        k: v for k, v in before.items() if k != "source_location"}
    assert len(after["source_location"]) == 2
