"""Unit tests of the `pdftotext` default-mode parser: header label runs and table rows.

Inline snippets are shaped like real default-mode output (a paragraph per text block, blank
lines between blocks)."""

from __future__ import annotations

from extractors.text.pdftotext.forms import parse_pdftotext

_GOAL_1 = "项目成果得到有效应用，社会效益和管理效益逐步显现。形成可复制、可推广的工作经验，"
_GOAL_2 = "为后续年度工作打下良好基础。"


def _national_header(money_run: str) -> str:
    return "\n".join([
        "项目支出绩效目标表", "（2019年度）", "", "项目名称", "", "河道水质监测", "",
        "主管部门", "", "某区水务局", "", "项目资金（万元）", "", "实施单位", "",
        "某区河道管理所", "", "年度资金总额", "", "200.37", "", "其中：财政拨款", "",
        "200.37", "", money_run, "", _GOAL_1, _GOAL_2,
        "一级指标", "", "二级指标", "", "三级指标", "", "指标值", "",
        "设置服务点位", "", "不低于95个", "",
    ]) + "\n"


def test_national_other_funds_and_goal_printed_as_a_label_run() -> None:
    form, = parse_pdftotext(_national_header("其他资金\n年度总体目标\n\n0.00"))
    assert form.fields["other_funds"] == "0.00"
    assert form.fields["overall_goal"].replace("\n", "") == _GOAL_1 + _GOAL_2


def test_national_label_run_keeps_a_lone_goal() -> None:
    """A run whose only value is the narrative gives nothing to the money label."""
    form, = parse_pdftotext(_national_header("其他资金\n年度总体目标"))
    assert form.fields["other_funds"] == ""
    assert form.fields["overall_goal"].replace("\n", "") == _GOAL_1 + _GOAL_2


_PARA = ["形成可复制、可推广的工作经验，为后续年度工作打下良好基础。服务质量和工作效率",
         "进一步提升，服务对象满意度不低于上年水平。"]
_PLAN = "第一季度启动，第二、三季度集中实施，第四季度总结评估。"


def _shanghai(block: list[str]) -> str:
    return "\n".join([
        "财政项目支出绩效目标表", "（2022年度）", "", "项目名称：", "", "交通信号配时优化评估",
        "", "项目设立的必要性：", "",
        "随着城市精细化管理要求不断提高，社会各方面对交通运行工作的时效性和准确性",
        "提出了新的期待。", "", "保证项目实施的制度、措施：", "项目实施计划：", "",
        "总目标及阶段性目标：", "", *block, "", "本项目上年度市级财政资金使用情况",
        "项目总预算（元）：", "", "1,645,000", "", "2022年绩效目标", "一级目标", "",
    ]) + "\n"


def test_shanghai_plan_sentence_printed_after_the_goal_label() -> None:
    form, = parse_pdftotext(_shanghai([_PLAN, *_PARA]))
    assert form.fields["implementation_plan"] == _PLAN
    assert form.fields["overall_goal"] == "\n".join(_PARA)


def test_shanghai_plan_in_its_own_block_after_the_goal_label() -> None:
    form, = parse_pdftotext(_shanghai([_PLAN, "", *_PARA]))
    assert form.fields["implementation_plan"] == _PLAN
    assert form.fields["overall_goal"] == "\n".join(_PARA)


def test_shanghai_goal_starting_full_width_is_not_split() -> None:
    """Empty plan (as in the real s05 form 2): the goal's first line fills the column."""
    form, = parse_pdftotext(_shanghai(_PARA))
    assert form.fields["implementation_plan"] == ""
    assert form.fields["overall_goal"] == "\n".join(_PARA)


# --- table rows ----------------------------------------------------------------------------


def _table(layout_lines: list[str], national: bool = True) -> list[tuple[str, str]]:
    head = (["项目支出绩效目标表", "（2019年度）", "", "一级指标", "", "二级指标", "", "三级指标",
             "", "指标值", ""] if national else
            ["财政项目支出绩效目标表", "（2022年度）", "", "2022年绩效目标", "一级目标", "",
             "二级目标", "", "三级目标", "", "指标目标值", ""])
    form, = parse_pdftotext("\n".join(head + layout_lines) + "\n")
    return [(r.level3, r.target_raw) for r in form.indicators]


def test_wrapped_label_fragment_on_a_level3_line() -> None:
    """``服务对象满意度指`` printed on the cell's second line, its ``标`` below it."""
    rows = _table(["设置服务点位", "", "不低于95个", "",
                   "纳入年度考核范 围的街镇及重点区域", "服务对象满意度指 参与群众满意度", "标", "",
                   "85%", ""])
    assert rows == [("设置服务点位", "不低于95个"),
                    ("纳入年度考核范 围的街镇及重点区域\n参与群众满意度", "85%")]


def test_level3_and_target_on_one_text_line() -> None:
    rows = _table(["服务老年人数", "", ">=12556人", "",
                   "纳入年度考核范围的街镇及重点区域数据报送及时率 99%", "",
                   "验收一次通过率", "", "=100%", ""], national=False)
    assert rows == [("服务老年人数", ">=12556人"),
                    ("纳入年度考核范围的街镇及重点区域数据报送及时率", "99%"),
                    ("验收一次通过率", "=100%")]


def test_target_printed_after_a_label_block_is_still_a_target() -> None:
    rows = _table(["项目总成本控制", "", "<=86万元", "", "人均培训成本", "", "社会效益指标", "",
                   "经济效益指标", "", "不超过769元", "", "公众信息获取人次", "", "10万人次", ""])
    assert rows == [("项目总成本控制", "<=86万元"), ("人均培训成本", "不超过769元"),
                    ("公众信息获取人次", "10万人次")]


def test_two_short_rows_merged_into_blocks_are_two_rows() -> None:
    """A short name is no wrap: a target-like line never continues a target."""
    rows = _table(["监测数据质量", "", "符合规范要求", "", "细颗粒物年均浓度", "绿化覆盖率", "",
                   "<=31微克/立方米", "80%~95%", ""])
    assert rows == [("监测数据质量", "符合规范要求"), ("细颗粒物年均浓度", "<=31微克/立方米"),
                    ("绿化覆盖率", "80%~95%")]


def test_target_printed_after_the_labels_below_its_name() -> None:
    """National template: a row's target may come only after the labels printed below the
    name; the rows after it keep their own targets."""
    rows = _table(["第三方机构抽样复核后确认的公众知晓", "度", "", "经济效益指标", "",
                   "资源利用效率", "", "提升", "", "水质达标率", "", "≥93%", "",
                   "服务对象满意度", "", "≥86%", "", "效益指标", "生态效益指标", "",
                   "满意度指标", "", "服务对象满意度指标", "", "明显 提高", ""])
    assert rows == [("第三方机构抽样复核后确认的公众知晓\n度", "明显 提高"),
                    ("资源利用效率", "提升"), ("水质达标率", "≥93%"),
                    ("服务对象满意度", "≥86%")]


def test_targets_of_names_printed_among_labels_in_one_block() -> None:
    rows = _table(["带动社会投入", "", "≤49万元", "", "效益指标", "", "生态效益指标",
                   "细颗粒物年均浓度", "可持续影响指标", "", "制度建设", "服务对象满意度", "",
                   "满意度指标", "", "<=27.6微克/立方米", "逐步完善", "=92%", ""])
    assert rows == [("带动社会投入", "≤49万元"), ("细颗粒物年均浓度", "<=27.6微克/立方米"),
                    ("制度建设", "逐步完善"), ("服务对象满意度", "=92%")]


def test_deferred_target_right_after_labels_closes_its_row() -> None:
    """``制度建设`` printed among the labels, its target after the next labels: the target is
    not taken for a new row (labels printed in line with a row open it only in Shanghai
    forms' reading order)."""
    rows = _table(["长效运行机制", "", "健全", "", "社会效益指标", "效益指标", "",
                   "可持续影响指标", "制度建设", "", "满意度指标", "", "服务对象满意度指标", "",
                   "逐步完善", "", "服务对象满意度", "", ">=89%", ""])
    assert rows == [("长效运行机制", "健全"), ("制度建设", "逐步完善"),
                    ("服务对象满意度", ">=89%")]


def test_row_whose_target_follows_a_later_label_waits_for_it() -> None:
    """A two-row block before the labels: the first row's target is printed only after a
    later label; plain order would shift every pair after it."""
    rows = _table(["设备完好率", "", "98%", "", "纳入年度考核范围的街镇及重点区域成", "本控制",
                   "人均培训成本", "", "绩效指标", "", "社会效益指标", "效益指标", "",
                   "<712元", "", "第三方机构抽样复核后确认的行业示范", "作用", "", "深度广度有创新",
                   "", "按照行业技术规范要求完成的现场城市", "运行保障能力", "", "有所增强", "",
                   "社区覆盖率", "", "经济效益指标", "", "控制在预算范围内", "", "≥95%", ""])
    assert [r[1] for r in rows] == ["98%", "控制在预算范围内", "<712元", "深度广度有创新",
                                    "有所增强", "≥95%"]


def test_an_amount_glued_to_the_goal_is_split_and_the_unit_put_back() -> None:
    from extractors.text.pdftotext.forms import repair_value_kinds

    fields = {"overall_goal": "某某区某某中心", "other_funds": "33.05\n目标一。\n目标二。"}
    fixed = repair_value_kinds(fields, "national", unit_label_elsewhere=True)
    assert fixed == {"overall_goal": "目标一。\n目标二。", "other_funds": "33.05",
                     "unit_name": "某某区某某中心"}
    assert repair_value_kinds({"other_funds": "0.00"}, "national", True) == {"other_funds": "0.00"}


def test_qualitative_target_centred_inside_a_wrapped_name() -> None:
    """``有所增强`` printed between a name's full first line and its one-character wrap."""
    rows = _table(["纳入年度考核范围的街镇及重点区域城市运行保障能", "有所增强", "力",
                   "受益群众人数", "", "＝57726人", ""], national=False)
    assert [(n.replace("\n", ""), t) for n, t in rows] == [
        ("纳入年度考核范围的街镇及重点区域城市运行保障能力", "有所增强"),
        ("受益群众人数", "＝57726人")]
