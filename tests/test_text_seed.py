"""The seed-style text parser: pages, header labels, rows and merged level cells."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.text.seed import parse_seed_text, text_to_lines
from tests.conftest import SAMPLES

FORM = """财政项目支出绩效目标表
（2021年度）
申报单位名称：某某市测试中心
项目名称：
某某专项
活动
项目类别： 经常性项目
计划开始日期： 2021-01-01 计划完成日期： 2021-12-31
是否含有政府购买服务： 是 绩效类型： 事业/专业类
项目概况：
第一段。
立项依据： 某某规划。
项目设立的必要性：
必要。
保证项目实施的制度、措施：
项目实施计划：
总目标及阶段性目标：
目标。
本项目上年度市级财政资金使用情况
项目总预算（元）： 1,234,000 项目当年预算（元）： 1,234,000
 同名项目上年预算额（元）： 0 同名项目上年预算执行数（元）： 0
 2021年绩效目标
一级目标 二级目标 三级目标 指标目标值
投入与管理
投入管理
预算执行率 =100%
资 金到位率 100%
产出目标
数量
场次 >=3场
人次 不低于 500人次
质量 合格率 ≥95%
效果目标 社会效益 知晓率 80%~90%
影响力目标 新设管理 机制建设 健全
"""


def test_pages_start_with_a_single_space() -> None:
    pages, lines = text_to_lines("a\n b\n\n c\n    indented\n ")
    assert pages == 3
    assert [(ln.page, ln.text) for ln in lines] == [(1, "a"), (2, "b"), (3, "c"),
                                                    (3, "    indented")]


def test_header_fields_and_wrapped_values() -> None:
    pages, [form] = parse_seed_text(FORM)
    assert pages == 3
    f = form.fields
    assert f["year"] == "2021"
    assert f["project_name"] == "某某专项\n活动"
    assert f["project_category"] == "经常性项目"
    assert (f["planned_start"], f["planned_end"]) == ("2021-01-01", "2021-12-31")
    assert f["basis"] == "某某规划。"
    assert f["measures"] == "" and f["implementation_plan"] == ""
    assert f["prior_year_executed"] == "0"
    assert form.money_unit == "yuan"


def test_rows_fill_merged_levels_down() -> None:
    _, [form] = parse_seed_text(FORM)
    rows = [(r.level1, r.level2, r.level3, r.target_raw, r.page) for r in form.indicators]
    assert rows == [
        ("投入与管理", "投入管理", "预算执行率", "=100%", 3),
        ("投入与管理", "投入管理", "资金到位率", "100%", 3),
        ("产出目标", "数量", "场次", ">=3场", 3),
        ("产出目标", "数量", "人次", "不低于500人次", 3),
        ("产出目标", "质量", "合格率", "≥95%", 3),
        ("效果目标", "社会效益", "知晓率", "80%~90%", 3),
        # an unknown level-2 label printed in line still starts a new level 2
        ("影响力目标", "新设管理", "机制建设", "健全", 3),
    ]


def test_several_forms_and_bom_crlf() -> None:
    text = "\ufeff" + (FORM + " " + FORM).replace("\n", "\r\n")
    pages, forms = parse_seed_text(text)
    assert len(forms) == 2 and pages == 6
    assert forms[1].page == 4 and forms[1].indicators[0].page == 6


def test_halfwidth_and_spaced_labels() -> None:
    text = FORM.replace("项目名称：", "项 目 名 称:")
    text = text.replace("项目总预算（元）：", "项目总预算(元):")
    _, [form] = parse_seed_text(text)
    assert form.fields["project_name"] == "某某专项\n活动"
    assert form.fields["total_budget"] == "1,234,000"


_ALPHABET = st.sampled_from("财政项目支出绩效目标表（）2021年度：\n 一级二级 =100%合理")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=_ALPHABET,
               max_size=400))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    pages, forms = parse_seed_text(text)
    assert pages >= 1
    assert all(r.level3 for f in forms for r in f.indicators)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40), max_size=10))
def test_blank_lines_change_nothing(positions: list[int]) -> None:
    lines = (SAMPLES / "seed" / "seed-2020-shanghai-kepu.txt").read_text(
        encoding="utf-8").split("\n")
    for pos in sorted(positions, reverse=True):
        lines.insert(pos * 10 + 1, "")
    assert parse_seed_text("\n".join(lines)) == parse_seed_text(
        (SAMPLES / "seed" / "seed-2020-shanghai-kepu.txt").read_text(encoding="utf-8"))


def test_wrapped_name_printed_after_its_merged_labels() -> None:
    head = FORM.split("影响力目标 新设管理 机制建设 健全\n")[0]
    text = head + ("影响力目标 新设管理 纳入年度考核范围的重点区域公众信息获取人\n"
                   "次 >=41.6万人次\n")
    _, [form] = parse_seed_text(text)
    last = form.indicators[-1]
    assert (last.level1, last.level2, last.level3, last.target_raw) == (
        "影响力目标", "新设管理", "纳入年度考核范围的重点区域公众信息获取人次", ">=41.6万人次")
