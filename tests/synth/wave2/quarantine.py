"""Documents that look like target tables but must be quarantined (no rows loaded).

* a project self-evaluation table (自评表: 年度指标值 / 实际完成值 / 得分), reason
  ``self_evaluation_table``;
* a department-wide table that prints the indicator levels but no value column, reason
  ``no_target_column``.
"""

from __future__ import annotations

import random

from . import vocab as V
from .blocks import Col, HeaderGrid, IndRow, ind_table
from .families import DocStyle, _title
from .model import Content, target_for
from .table import Doc, Table, TCell, TRow, place_table
from .targets import fmt_num


def self_evaluation(doc: Doc, c: Content, ds: DocStyle) -> None:
    rng = ds.rng
    _title(doc, rng, rng.choice(["项目支出绩效自评表", "绩效目标自评表"]), c.year)
    h = HeaderGrid(rng, doc.g.shading)
    h.full("项目名称", c.project)
    h.two("主管部门", f"{c.dept_code}-{c.dept}", "实施单位", f"{c.unit_code}-{c.unit}")
    h.place(doc)
    budget = float(c.total_wan)
    spent = round(budget * rng.uniform(0.9, 1.0), 2)
    heads = ["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    rate = spent / budget * 100
    vals = [("年度资金总额", budget, budget, spent), ("其中：本年财政拨款", budget, budget, spent),
            ("上年结转资金", 0.0, 0.0, 0.0), ("其他资金", 0.0, 0.0, 0.0)]
    cap = TCell(0, 1, "项目资金（万元）", 1 + len(vals), shade=True)
    rows = [TRow([cap] + [TCell(k + 1, k + 2, s, shade=True) for k, s in enumerate(heads)])]
    for i, (lab, a, b, e) in enumerate(vals):
        score = [fmt_num(10), f"{rate:.2f}%", fmt_num(round(rate / 10, 2))] if i == 0 else [
            "—", "—", "—"]
        cells = [lab, f"{a:.2f}", f"{b:.2f}", f"{e:.2f}", *score]
        rows.append(TRow([TCell(k + 1, k + 2, s) for k, s in enumerate(cells)]))
    place_table(doc, Table([14, 16, 11, 11, 11, 9, 10, 9], [], rows, split_spans=False))
    g2 = HeaderGrid(rng, doc.g.shading)
    g2.rows.append(TRow([g2._lab(0, 1, "年度总体目标", 2), g2._lab(1, 3, "预期目标"),
                         g2._lab(3, 6, "实际完成情况")]))
    g2.rows.append(TRow([g2._val(1, 3, c.goal_annual),
                         g2._val(3, 6, "已按计划完成年度目标任务。")]))
    g2.place(doc)
    cols = [Col("一级指标", "l1", 4), Col("二级指标", "l2", 4.5), Col("三级指标", "l3", 9),
            Col("年度指标值", "value", 5.5), Col("实际完成值", "actual", 5.5),
            Col("分值", "weight", 2.6), Col("得分", "score", 2.6),
            Col("偏差原因分析及改进措施", "remarks", 7)]
    out = []
    for s in c.specs:
        l1, l2 = ds.level(s.key)
        t = target_for(c, s)
        w = rng.choice([5, 10])
        out.append(IndRow({"l1": l1, "l2": l2, "l3": s.name, "value": t.raw, "actual": t.raw,
                           "weight": str(w), "score": str(w), "remarks": "无"}))
    ind_table(doc, cols, out, repeat_header=ds.repeat_header)
    doc.text_line(f"总分：{rng.randint(90, 99)}", align="left")


def department_wide(doc: Doc, c: Content, ds: DocStyle) -> None:
    rng = ds.rng
    _title(doc, rng, "部门整体支出绩效目标表", c.year)
    h = HeaderGrid(rng, doc.g.shading)
    h.full("部门（单位）名称", c.dept)
    h.full("年度总体目标", c.goal_total)
    tasks = rng.sample(V.PROJECTS[c.domain], 3)
    h.group("年度主要任务", [(f"任务{i}", t) for i, t in enumerate(tasks, 1)])
    h.place(doc)
    cols = [Col("一级指标", "l1", 5), Col("二级指标", "l2", 6), Col("三级指标", "l3", 16)]
    rows = []
    for s in c.specs:
        l1, l2 = ds.level(s.key)
        rows.append(IndRow({"l1": l1, "l2": l2, "l3": s.name}))
    ind_table(doc, cols, rows, block="年度绩效指标", repeat_header=True)


def build(kind: str, doc: Doc, contents: list[Content], rng: random.Random) -> None:
    ds = DocStyle.draw(rng, False)
    ds.long_cells = False
    for c in contents:
        doc.new_page()
        (self_evaluation if kind == "self_evaluation_table" else department_wide)(doc, c, ds)
