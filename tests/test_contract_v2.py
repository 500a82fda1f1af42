"""Contract v2 in the warehouse: the new header and row columns travel from the output model
through validation into both views, on SQLite and PostgreSQL; personal data never does; the
v2 value rules (tick boxes, project periods, weights) read what publishers print."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from extractors.model import ExtractedDocument, Form, IndicatorRow, SourceFile
from transforms.validate import validate_forms
from transforms.values import parse_period_dates, parse_weight, ticked_option
from warehouse.db import ensure_schema
from warehouse.load import load_document
from warehouse.runs import start_run


def v2_form() -> Form:
    fields = {
        "year": "2023", "unit_name": "某县农业技术推广中心", "unit_code": "324001",
        "supervising_dept": "某县农业农村局", "supervising_dept_code": "077",
        "project_name": "耕地质量监测", "project_attribute": "新增□ 延续√",
        "project_period": "2023年1月至12月", "total_budget": "50", "carryover": "5",
        "mid_term_budget": "150", "long_term_goal": "三年内建成监测网络。",
        "overall_goal": "完成年度监测任务。", "measures": "建立台账制度。",
    }
    rows = (
        IndicatorRow("产出指标", "数量指标", "监测点位数", "30", 1, period="long_term",
                     operator_cell="≥", unit_cell="个", weight="10", remarks="全县",
                     extra=(("指标类型", "核心"),)),
        IndicatorRow("产出指标", "数量指标", "监测点位数", "10", 1, operator_cell="≥",
                     unit_cell="个", weight="10分", explanation="按期完成得满分"),
        IndicatorRow("满意度指标", "服务对象满意度指标", "农户满意度", "较高", 1,
                     operator_cell="定性"),
    )
    extra = (("项目负责人：", "张三"), ("联系电话", "0731-1234567"), ("资金来源：", "县级财政"))
    return Form(layout="national", page=1, fields=fields, indicators=rows,
                money_unit="wan_yuan", extra_fields=extra)


def rows_of(conn: sa.Connection, sql: str) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(sa.text(sql))]


def as_obj(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value


def test_v2_columns_reach_both_views(engine: sa.Engine) -> None:
    form = v2_form()
    validated = validate_forms([form])
    assert validated.quarantine == []
    ensure_schema(engine)
    run_key = start_run(engine)
    source = SourceFile("/in/v2.pdf", "f" * 64, 10)
    document = ExtractedDocument(source, "pdf", 1, (form,))
    result = load_document(engine, run_key, source, document, validated)
    assert (result.project_rows, result.indicator_rows) == (1, 3)
    with engine.connect() as conn:
        [project] = rows_of(conn, "SELECT * FROM v_project_year")
        targets = rows_of(conn, "SELECT * FROM v_indicator_target ORDER BY period, target_raw")
    assert (project["unit_code"], project["supervising_dept_code"]) == ("324001", "077")
    assert project["project_attribute"] == "延续"
    assert project["project_period"] == "2023年1月至12月"
    assert (project["planned_start"], project["planned_end"]) in (
        (dt.date(2023, 1, 1), dt.date(2023, 12, 31)), ("2023-01-01", "2023-12-31"))
    assert float(project["carryover_yuan"]) == 50000.0
    assert float(project["mid_term_budget_yuan"]) == 1500000.0
    assert project["long_term_goal"] == "三年内建成监测网络。"
    assert project["measures"] == "建立台账制度。"
    assert as_obj(project["extra_fields"]) == {"资金来源": "县级财政"}  # no name, no phone
    dump = json.dumps(project, default=str, ensure_ascii=False)
    assert "张三" not in dump and "1234567" not in dump

    by_period = {(t["period"], t["target_raw"]): t for t in targets}
    long_term = by_period[("long_term", "30")]
    assert (long_term["target_operator"], float(long_term["target_value"]),
            long_term["target_unit"]) == (">=", 30.0, "个")
    assert (float(long_term["weight"]), long_term["remarks"]) == (10.0, "全县")
    assert as_obj(long_term["extra"]) == {"指标类型": "核心"}
    annual = by_period[("annual", "10")]
    assert (float(annual["weight"]), annual["explanation"]) == (10.0, "按期完成得满分")
    qualitative = by_period[("annual", "较高")]
    assert (qualitative["target_operator"], qualitative["target_text"]) == (None, "较高")


@pytest.mark.parametrize(("printed", "option"), [
    ("新增□ 延续√", "延续"), ("☑新增 □延续", "新增"), ("新增 ✓ 延续 □", "新增"),
    ("新增R 延续□", "新增"), ("常年项目", "常年项目"), ("□新增 □延续", None), ("", None),
    # 口 printed for the empty box beside a ticked one; 口 inside a word stays a character
    ("新增口延续■", "延续"), ("持续性项目■ 新增性项目口", "持续性项目"),
    ("人口普查■ 其他口", "人口普查"), ("出口补助项目", "出口补助项目"),
])
def test_the_ticked_option_wins(printed: str, option: str | None) -> None:
    assert ticked_option(printed) == option


@pytest.mark.parametrize(("printed", "span"), [
    ("2023年1月至12月", (dt.date(2023, 1, 1), dt.date(2023, 12, 31))),
    ("2023-01-01至2023-12-31", (dt.date(2023, 1, 1), dt.date(2023, 12, 31))),
    ("2023.1-2025.6", (dt.date(2023, 1, 1), dt.date(2025, 6, 30))),
    ("2024年3月1日—2024年2月29日", None),  # end before start
    ("3年", None), ("2023年", None), ("长期", None),
])
def test_a_project_period_gives_dates_only_when_it_is_a_date_range(
        printed: str, span: tuple[dt.date, dt.date] | None) -> None:
    assert parse_period_dates(printed) == span


@given(st.text(max_size=30))
def test_value_rules_never_raise(text: str) -> None:
    ticked_option(text)
    parse_period_dates(text)
    parse_weight(text)


@given(st.integers(min_value=2000, max_value=2090), st.integers(1, 12), st.integers(1, 12))
def test_month_ranges_cover_whole_months(year: int, first: int, last: int) -> None:
    span = parse_period_dates(f"{year}年{first}月至{last}月")
    if first > last:
        assert span is None
        return
    assert span is not None
    start, end = span
    assert (start.day, start.month, end.month) == (1, first, last)
    assert (end + dt.timedelta(days=1)).day == 1
