"""The pandera boundary and the partial-form rule: what loads, what is set aside, and why."""

from __future__ import annotations

from dataclasses import replace

from extractors.model import Form, IndicatorRow
from transforms.validate import validate_forms

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


def test_a_bad_header_sets_the_whole_form_aside() -> None:
    for field, value, reason in [("year", "2921", "bad_year"),
                                 ("total_budget", "十万", "bad_money"),
                                 ("planned_end", "2020-01-01", "bad_date"),
                                 ("project_name", "", "missing_name")]:
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
