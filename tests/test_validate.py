"""The pandera boundary and the partial-form rule: what loads, what is set aside, and why."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from extractors.files import extract_file
from extractors.model import Form, IndicatorRow, Layout, MoneyUnit
from tests.conftest import SAMPLES
from transforms.validate import validate_forms
from warehouse.db import ensure_schema, make_engine
from warehouse.load import load_document
from warehouse.runs import start_run

SEED = SAMPLES / "seed" / "seed-2020-shanghai-kepu.txt"

ROWS = (
    IndicatorRow("产出目标", "数量", "场次", ">=3场", 2),
    IndicatorRow("产出目标", "质量", "合格率", "≥95%", 2),
)
FORM = Form(
    layout="shanghai", page=1,
    fields={"year": "2021", "unit_name": "某某中心", "project_name": "某某项目",
            "total_budget": "1,000", "planned_start": "2021-01-01", "planned_end": "2021-12-31",
            "includes_gov_procurement": "否"},
    indicators=ROWS,
)


def test_a_good_form_loads_whole() -> None:
    v = validate_forms([FORM])
    assert (len(v.projects), len(v.indicators), v.quarantine) == (1, 2, [])
    row = v.projects.iloc[0]
    assert row["total_budget_yuan"] == 1000 and not row["includes_gov_procurement"]


def test_a_bad_row_is_set_aside_and_the_rest_of_the_form_loads() -> None:
    broken = replace(FORM, indicators=(ROWS[0], replace(ROWS[1], level2=None)))
    v = validate_forms([broken])
    assert (len(v.projects), len(v.indicators)) == (1, 1)
    [entry] = v.quarantine
    assert (entry.reason, entry.scope, entry.row_index, entry.column, entry.page) == (
        "bad_indicator_row", "row", 1, "level2", 2)


def test_a_row_with_several_faults_is_one_entry_naming_them_all() -> None:
    broken = replace(ROWS[1], level2=None, target_raw="")
    v = validate_forms([replace(FORM, indicators=(ROWS[0], broken))])
    [entry] = v.quarantine
    assert (entry.reason, entry.row_index, entry.column) == ("bad_indicator_row", 1, "level2")
    assert "level2" in entry.message and "target_raw" in entry.message
    assert len(v.indicators) == 1


def test_a_bad_header_sets_the_whole_form_aside() -> None:
    for field, value, reason in [("year", "2921", "bad_year"),
                                 ("total_budget", "十万", "bad_money"),
                                 ("planned_end", "2020-01-01", "bad_date"),
                                 ("project_name", "", "missing_name"),
                                 ("unit_name", " ", "missing_name")]:
        v = validate_forms([replace(FORM, fields={**FORM.fields, field: value})])
        assert (len(v.projects), len(v.indicators)) == (0, 0), field
        assert {e.reason for e in v.quarantine} == {reason}, field
        assert all(e.scope == "form" for e in v.quarantine)


def test_a_form_left_without_rows_is_set_aside() -> None:
    v = validate_forms([replace(FORM, indicators=(replace(ROWS[0], target_raw=""),))])
    assert len(v.projects) == 0
    assert {e.reason for e in v.quarantine} == {"bad_indicator_row", "empty_indicator_table"}


def test_the_same_form_twice() -> None:
    identical = validate_forms([FORM, FORM])
    assert len(identical.projects) == 1
    assert [(e.reason, e.form_index) for e in identical.quarantine] == [("duplicate_form", 1)]
    other = replace(FORM, indicators=ROWS[:1])
    differing = validate_forms([FORM, other])
    assert len(differing.projects) == 0
    assert sorted(e.form_index or 0 for e in differing.quarantine) == [0, 1]


def test_national_money_is_wan_yuan() -> None:
    national = replace(FORM, layout="national", money_unit="wan_yuan",
                       fields={**FORM.fields, "total_budget": "18.35"})
    assert validate_forms([national]).projects.iloc[0]["total_budget_yuan"] == 183500


def _other(name: str) -> Form:
    return replace(FORM, fields={**FORM.fields, "project_name": name})


@pytest.mark.parametrize(("layout", "unit", "printed", "label"), [
    ("shanghai", "yuan", "12345678901234567", "项目总预算"),
    ("shanghai", "yuan", "10,000,000,000,000,000", "项目总预算"),
    ("national", "wan_yuan", "1234567890123.4567", "年度资金总额"),
])
def test_an_amount_too_large_for_the_warehouse_sets_its_form_aside(
        layout: Layout, unit: MoneyUnit, printed: str, label: str) -> None:
    big = replace(FORM, layout=layout, money_unit=unit,
                  fields={**FORM.fields, "total_budget": printed})
    v = validate_forms([_other("甲项目"), big, _other("乙项目")])
    [entry] = v.quarantine
    assert (entry.reason, entry.scope, entry.form_index) == ("bad_money", "form", 1)
    assert (entry.column, entry.check, entry.value) == ("total_budget_yuan",
                                                        "fits_warehouse_money", printed)
    assert label in entry.message and repr(printed) in entry.message
    assert "exceeds the largest amount the warehouse stores (10^16 yuan)" in entry.message
    assert list(v.projects["project_name"]) == ["甲项目", "乙项目"]
    assert len(v.indicators) == 4


def test_the_largest_amounts_the_warehouse_stores_load() -> None:
    fields = {**FORM.fields, "total_budget": "9,999,999,999,999,998",
              "current_year_budget": "999999999999999.99"}
    v = validate_forms([replace(FORM, fields=fields)])
    assert v.quarantine == []
    assert v.projects.iloc[0]["total_budget_yuan"] == 9_999_999_999_999_998


@pytest.mark.parametrize("target", [">=100000000000000000次", "100000000000000次",
                                    "5~100000000000000次", "100000000000000~200000000000000次"])
def test_a_target_too_large_for_the_warehouse_sets_its_row_aside(target: str) -> None:
    huge = replace(ROWS[1], target_raw=target)
    v = validate_forms([replace(FORM, indicators=(ROWS[0], huge, ROWS[1])), _other("乙项目")])
    [entry] = v.quarantine
    assert (entry.reason, entry.scope, entry.form_index, entry.row_index) == (
        "bad_target_value", "row", 0, 1)
    assert entry.value == target and repr(target) in entry.message
    assert "exceeds the largest number the warehouse stores (10^14)" in entry.message
    assert len(v.projects) == 2
    assert sorted(zip(v.indicators["form_index"], v.indicators["row_index"],
                      strict=True)) == [(0, 0), (0, 2), (1, 0), (1, 1)]


def test_the_largest_target_the_warehouse_stores_loads() -> None:
    largest = replace(ROWS[0], target_raw="99999999999999.5次")
    v = validate_forms([replace(FORM, indicators=(largest,))])
    assert v.quarantine == []
    assert v.indicators.iloc[0]["target_value"] == 99_999_999_999_999.5


def _oversized_seed(tmp_path: Path) -> Path:
    """The seed with form 1's 项目总预算 and one target of form 2 beyond the warehouse."""
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("项目总预算（元）： 180,000", "项目总预算（元）： 12345678901234567", 1)
    text = text.replace("参与人数 >=450", "参与人数 >=100000000000000000", 1)
    path = tmp_path / "seed-oversized.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _load_oversized(engine: sa.Engine, path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Load the document with ``load_document`` and read back what each table holds."""
    ensure_schema(engine)
    doc = extract_file(path)
    result = load_document(engine, start_run(engine), doc.source, doc, validate_forms(doc.forms))
    assert (result.status, result.project_rows, result.quarantine_rows) == ("partial", 3, 2)
    with engine.connect() as conn:
        return {
            "quarantine": [tuple(r) for r in conn.execute(sa.text(
                "SELECT scope, reason, form_index, row_index, column_name, check_name, "
                "failing_value, message FROM quarantine ORDER BY form_index, row_index"))],
            "projects": [tuple(r) for r in conn.execute(sa.text(
                "SELECT form_index, total_budget_yuan FROM fact_project_year ORDER BY 1"))],
            "targets": [tuple(r) for r in conn.execute(sa.text(
                "SELECT p.form_index, t.row_index, t.target_raw, t.target_value "
                "FROM fact_indicator_target t JOIN fact_project_year p "
                "USING (project_year_key) ORDER BY 1, 2"))],
        }


def test_an_oversized_document_loads_the_same_on_every_warehouse(engine: sa.Engine,
                                                                 tmp_path: Path) -> None:
    got = _load_oversized(engine, _oversized_seed(tmp_path))
    assert [q[:7] for q in got["quarantine"]] == [
        ("form", "bad_money", 0, None, "total_budget_yuan", "fits_warehouse_money",
         "12345678901234567"),
        ("row", "bad_target_value", 1, 11, "target_value", "fits_warehouse_number",
         ">=100000000000000000"),
    ]
    assert got["projects"] == [(1, Decimal(400000)), (2, Decimal(50000)), (3, Decimal(400000))]
    form_1_rows = len(extract_file(SEED).forms[0].indicators)
    assert len(got["targets"]) == 64 - form_1_rows - 1
    assert (1, 11) not in [t[:2] for t in got["targets"]]
    assert all(abs(Decimal(str(t[3]))) < 10**14 for t in got["targets"] if t[3] is not None)


@pytest.mark.postgres
def test_sqlite_and_postgresql_agree_on_an_oversized_document(sqlite_url: str, pg_url: str,
                                                              tmp_path: Path) -> None:
    path = _oversized_seed(tmp_path)
    loaded = []
    for url in (sqlite_url, pg_url):
        engine = make_engine(url)
        loaded.append(_load_oversized(engine, path))
        engine.dispose()
    assert loaded[0] == loaded[1]
