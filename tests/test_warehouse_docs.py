"""The warehouse as an analyst meets it: documented, comparable across templates and years.

The worked queries of docs/warehouse.md run on SQLite and PostgreSQL against the samples and
must return what the samples' truth says (computed here from truth.json, not stored); every
table, view and column has its comment on PostgreSQL; the schema moves up and down only
through migrations.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from extractors.errors import ConfigurationError
from extractors.profiles.level_classes import classify_levels, level_classes
from tests.conftest import ROOT, SAMPLES
from tests.test_warehouse import SEED, run_files, snapshot
from warehouse import catalog
from warehouse.db import (
    current_revision,
    downgrade,
    ensure_schema,
    head_revision,
    known_revisions,
    make_engine,
    upgrade,
)
from warehouse.dialects import writer_for
from warehouse.level_classes import refresh_level_classes, unclassified_headings

DOCS = ROOT / "docs" / "warehouse.md"
TRUTH = json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))


def _key(text: str | None) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text or ""))


def _queries() -> dict[str, str]:
    text = DOCS.read_text(encoding="utf-8")
    return dict(re.findall(r"<!-- query: (\w+) -->\n```sql\n(.*?)```", text, re.S))


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal | float):
        return round(float(value), 2)
    if isinstance(value, str):
        return _key(value)
    return value


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql",
                                                               marks=pytest.mark.postgres)])
def loaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[sa.Engine]:
    """A warehouse holding every sample document (one load per database for this module)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('docs') / 'warehouse.db'}"
        engine = make_engine(url)
        run_files(engine, [SAMPLES])
        yield engine
        engine.dispose()
        return
    pg_url = request.getfixturevalue("pg_url_module")
    engine = make_engine(pg_url)
    run_files(engine, [SAMPLES])
    yield engine
    engine.dispose()


def _run(engine: sa.Engine, name: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(_plain(v) for v in row) for row in conn.execute(sa.text(_queries()[name]))]


def _truth_forms() -> list[dict[str, Any]]:
    return [p for d in TRUTH["documents"] for p in d["projects"]]


def _layouts() -> dict[tuple[str, str, int], str]:
    return {(_key(p["unit_name"]), _key(p["project_name"]), p["year"]): d["layout"]
            for d in TRUTH["documents"] for p in d["projects"]}


def _annual_budget(p: dict[str, Any]) -> float | None:
    """The rule of CONTRACT.md ("Comparable columns"), from the truth's own fields."""
    layout = _layouts()[(_key(p["unit_name"]), _key(p["project_name"]), p["year"])]
    if layout.lower().startswith("shanghai"):
        value = p["current_year_budget_yuan"]
    else:
        value = p["total_budget_yuan"]
    return None if value is None else round(float(value), 2)


def test_the_worked_queries_are_the_ones_documented() -> None:
    assert set(_queries()) == {"budget_by_unit_and_year", "year_over_year",
                               "quantitative_share", "prior_year_reconciliation",
                               "indicators_by_units"}


def test_budget_by_unit_and_year(loaded: sa.Engine) -> None:
    expected: dict[tuple[str, int], list[float]] = defaultdict(list)
    for p in _truth_forms():
        expected[(_key(p["unit_name"]), p["year"])].append(_annual_budget(p) or 0.0)
    rows = _run(loaded, "budget_by_unit_and_year")
    assert [(u, y, s, n) for u, y, s, n in rows] == [
        (u, y, round(sum(v), 2), len(v)) for (u, y), v in sorted(expected.items())]
    assert all(s > 0 for _, _, s, _ in rows)  # every form has its year's budget


def test_year_over_year_change_joins_on_project_keys(loaded: sa.Engine) -> None:
    by_project = {(_key(p["unit_name"]), _key(p["project_name"]), p["year"]): p
                  for p in _truth_forms()}
    expected = []
    for (unit, name, year), p in by_project.items():
        prev = by_project.get((unit, name, year - 1))
        if prev is not None:
            a, b = _annual_budget(prev), _annual_budget(p)
            expected.append((name, year - 1, year, a, b, round((b or 0) - (a or 0), 2)))
    assert _run(loaded, "year_over_year") == sorted(expected, key=lambda r: (r[0], r[2]))
    assert expected  # the samples print projects in consecutive years


def test_quantitative_share_by_canonical_level1(loaded: sa.Engine) -> None:
    counts: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
    for p in _truth_forms():
        for i in p["indicators"]:
            std = classify_levels(i["level1"], i["level2"])[0]
            counts[std][0] += 1
            counts[std][1] += i["target_operator"] is not None
    rows = _run(loaded, "quantitative_share")
    assert None not in counts  # every sample heading is classified
    assert rows == [(k, n, q) for k, (n, q) in sorted(counts.items())]
    assert {r[0] for r in rows} == {"input_management", "output", "outcome", "impact",
                                   "satisfaction"}  # both templates, one set of classes


def test_prior_year_reconciliation_shows_the_known_pair(loaded: sa.Engine) -> None:
    by_project = {(_key(p["unit_name"]), _key(p["project_name"]), p["year"]): p
                  for p in _truth_forms()}
    expected = []
    for (unit, name, year), p in sorted(by_project.items()):
        prev = by_project.get((unit, name, year - 1))
        stated, executed = p["prior_year_budget_yuan"], p["prior_year_executed_yuan"]
        if prev is None or (stated is None and executed is None):
            continue
        last = _annual_budget(prev) or 0.0
        expected.append((unit, name, year, float(stated), last, round(stated - last, 2),
                         float(executed), round(executed - last, 2)))
    assert _run(loaded, "prior_year_reconciliation") == expected
    assert len(expected) == 1 and expected[0][5] == 0 and expected[0][7] < 0


def test_indicators_used_by_most_units(loaded: sa.Engine) -> None:
    units: dict[str, set[str]] = defaultdict(set)
    for p in _truth_forms():
        for i in p["indicators"]:
            units[_key(i["level3"])].add(_key(p["unit_name"]))
    expected = sorted(((k, len(v)) for k, v in units.items() if len(v) > 1),
                      key=lambda r: (-r[1], r[0]))
    assert _run(loaded, "indicators_by_units") == expected


def test_every_sample_heading_has_a_class_and_an_unknown_one_is_listed(
        loaded: sa.Engine) -> None:
    with loaded.begin() as conn:
        assert unclassified_headings(conn) == []
        conn.execute(sa.text("INSERT INTO dim_indicator (natural_key, layout, level1, level2, "
                             "level3) VALUES ('x|y|z', 'national', '未知一级', '数量指标', '某')"))
        assert refresh_level_classes(conn) == 1
        listed = unclassified_headings(conn)
        assert [(h.level, h.heading, h.indicators) for h in listed] == [(1, "未知一级", 1)]
        assert conn.execute(sa.text("SELECT level1_std, level2_std FROM dim_indicator WHERE "
                                    "natural_key = 'x|y|z'")).one() == (None, "quantity")
        conn.commit()
    from warehouse.status import warehouse_status

    lines = warehouse_status(loaded).lines()
    assert "  level 1: 未知一级 (1 indicators)" in lines
    with loaded.begin() as conn:
        conn.execute(sa.text("DELETE FROM dim_indicator WHERE natural_key = 'x|y|z'"))


def test_level_class_stems_ignore_the_printed_suffix() -> None:
    assert classify_levels("产出目标", "数量") == classify_levels("产出指标", "数量指标") == (
        "output", "quantity")
    assert classify_levels(" 效 果 目 标 ", "社会效益") == ("outcome", "social")
    assert classify_levels("指标", None) == (None, None)
    codes = [c.code for c in level_classes().of_level(1)]
    assert len(codes) == len(set(codes))


def test_the_column_reference_is_the_catalog(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    ensure_schema(engine)
    inspector = sa.inspect(engine)
    views = {v: [c["name"] for c in inspector.get_columns(v)] for v in inspector.get_view_names()}
    text = DOCS.read_text(encoding="utf-8")
    block = text.split("<!-- columns:begin -->\n", 1)[1].split("<!-- columns:end -->", 1)[0]
    assert block == catalog.markdown(views), "regenerate: python -m warehouse.catalog"
    for name, columns in views.items():
        missing = [c for c in columns if not catalog.column_text(name, c)]
        assert missing == [], f"{name}: no text for {missing}"


@pytest.mark.postgres
def test_every_table_view_and_column_has_a_comment_on_postgresql(pg_url: str) -> None:
    engine = make_engine(pg_url)
    ensure_schema(engine)
    with engine.connect() as conn:
        relations = conn.execute(sa.text(
            "SELECT c.relname, obj_description(c.oid, 'pg_class') FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
            "AND c.relkind IN ('r', 'v') AND c.relname <> 'alembic_version'")).all()
        columns = conn.execute(sa.text(
            "SELECT c.relname, a.attname, col_description(c.oid, a.attnum) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a "
            "ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v') "
            "AND c.relname <> 'alembic_version'")).all()
    engine.dispose()
    assert len(relations) == 15 and len(columns) > 250
    assert [r for r, comment in relations if not comment] == []
    assert [f"{r}.{c}" for r, c, comment in columns if not comment] == []
    comments = {f"{r}.{c}": comment for r, c, comment in columns}
    assert comments["v_project_year.current_year_budget_yuan"] == (
        "项目当年预算 (current-year budget), yuan; printed by the Shanghai layout only")


def test_upgrade_downgrade_upgrade_keeps_rows_and_keys(engine: sa.Engine) -> None:
    run_files(engine, [SEED])
    before = snapshot(engine)
    downgrade(engine, "0004")
    assert current_revision(engine) == "0004"
    assert "annual_budget_yuan" not in {c["name"] for c in sa.inspect(engine).get_columns(
        "fact_project_year")}
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert snapshot(engine) == before  # rows, keys and the derived columns filled again
    downgrade(engine, "base")
    upgrade(engine)
    empty = snapshot(engine)
    assert sorted(empty) == sorted(before)  # every table back, and nothing in it
    assert [name for name, rows in empty.items() if rows] == []


def test_a_schema_ahead_of_the_code_is_refused(engine: sa.Engine) -> None:
    ensure_schema(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(ConfigurationError, match="9999, newer than this targets-etl"):
        ensure_schema(engine)
    with pytest.raises(ConfigurationError, match="unknown schema revision 'x1'"):
        downgrade(engine, "x1")
    assert known_revisions()[-1] == head_revision()


def test_db_commands(warehouse_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from flows.cli import main

    assert main(["db", "upgrade", "--db", warehouse_url]) == 0
    assert f"warehouse schema: {head_revision()}" in capsys.readouterr().out
    assert main(["db", "downgrade", "0003", "--db", warehouse_url]) == 0
    assert "warehouse schema: 0003" in capsys.readouterr().out
    assert main(["db", "downgrade", "--db", warehouse_url]) == 2
    assert "needs the revision" in capsys.readouterr().err
    assert main(["db", "current", "--db", warehouse_url]) == 0
    assert "warehouse schema: 0003" in capsys.readouterr().out
    assert main(["db", "upgrade", "--db", warehouse_url]) == 0


def test_an_unsupported_database_gets_no_other_dialects_sql() -> None:
    mock = sa.create_mock_engine("mysql+pymysql://", lambda *a, **k: None)
    with pytest.raises(ConfigurationError, match="'mysql' is not supported"):
        writer_for(mock)  # type: ignore[arg-type]
