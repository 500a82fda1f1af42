"""Families F3 (operator and unit columns), F4 (side-by-side periods), F5 (实施期/本年度)."""

from __future__ import annotations

from decimal import Decimal

from . import vocab as V
from .blocks import ATTR_OPTIONS, Col, HeaderGrid, IndRow, ind_table, note_perturbations, ticks
from .families import DocStyle, _level_cols, _period, _rows, _specs, _title
from .model import Content, Form, Ind, fmt_yuan, period_text, target_for, yuan
from .table import Doc


# ------------------------------------------------------------------ F3 operator/unit columns
def form_f3(doc: Doc, c: Content, ds: DocStyle) -> Form:
    rng, t, f = ds.rng, ds.tpl(), Form(c.year)
    _title(doc, t, t.choice(["绩效目标表", "绩效目标表", "项目支出绩效目标表"]), c.year)
    note = t.random() < 0.4
    yl = "" if note else "（元）"
    if note:
        doc.text_line("", align="left", right="金额单位：元")
    doc.seen |= {"money_yuan", "unit_codes", "operator_column", "unit_column", "weight_column"}
    h = HeaderGrid(t, doc.g.shading)
    h.two("单位信息：", f"{c.unit_code}-{c.unit}", "项目名称：", c.project)
    f.set("unit_name", c.unit)
    f.set("unit_code", c.unit_code)
    f.set("project_name", c.project)
    person = ds.show_person()
    dept = f"{c.dept_code}-{c.dept}"
    if person:
        h.two("主管部门：", dept, "项目经办人：", c.person)
        doc.seen.add("personal_data")
    else:
        h.full("主管部门：", dept)
    f.set("supervising_dept", c.dept)
    f.set("supervising_dept_code", c.dept_code)
    if t.random() < 0.6:
        w = str(rng.choice([10, 15, 20]))
        if person:
            h.two("预算执行率权重(%)：", w, "项目经办人电话：", c.phone)
        else:
            h.full("预算执行率权重(%)：", w)
        f.extra_fields["预算执行率权重(%)"] = w
    elif person:
        h.full("项目经办人电话：", c.phone)
    other = c.other_wan + c.carry_wan
    h.two(f"年度资金总额{yl}", fmt_yuan(c.total_wan), f"其中：财政拨款{yl}",
          fmt_yuan(c.fiscal_wan))
    h.full(f"其他资金{yl}", fmt_yuan(other))
    f.set("total_budget_yuan", yuan(c.total_wan))
    f.set("fiscal_appropriation_yuan", yuan(c.fiscal_wan))
    f.set("other_funds_yuan", yuan(other))
    h.full("整体目标：", c.goal_annual)
    f.set("overall_goal", c.goal_annual)
    h.place(doc)
    cols = _level_cols(t, ["三级指标", "三级指标", "指标名称"])
    op = Col("指标性质", "op", t.uniform(3, 4.5))
    val = Col(t.choice(["指标值", "指标值", "目标值"]), "value", t.uniform(4.5, 7))
    unit = Col(t.choice(["度量单位", "计量单位"]), "unit", t.uniform(3.5, 5))
    wt = Col(t.choice(["权重(%)", "分值", "权重"]), "weight", t.uniform(2.6, 4))
    order = t.choice(["std", "std", "unit_first", "weight_first"])
    if order == "std":
        tail = [op, val, unit, wt]
    elif order == "unit_first":
        tail = [op, unit, val, wt]
    else:
        tail = [wt, op, val, unit]
    if order != "std":
        doc.seen.add("column_order")
    opt = ["weight"]
    if t.random() < 0.3:
        tail.append(Col("备注", "remarks", t.uniform(4.5, 6.5)))
        opt.append("remarks")
        doc.seen.add("remarks_column")
    merge = t.random() < 0.45
    if not merge:
        doc.seen.add("levels_repeated")
    rows = _rows(ds, c, _specs(ds, c, c.specs), "annual", opt, opcol=True)
    res = ind_table(doc, cols + tail, rows, merge=merge, repeat_header=ds.repeat_header,
                    span_repeat=ds.span_repeat)
    note_perturbations(doc, res)
    f.indicators = [i for r in rows for i in r.inds]
    return f


# ------------------------------------------------------------------ F4 side by side
def form_f4(doc: Doc, c: Content, ds: DocStyle) -> Form:
    rng, t, f = ds.rng, ds.tpl(), Form(c.year)
    _title(doc, t, t.choice(["项目支出绩效目标申报表", "项目支出绩效目标批复表"]), c.year)
    long = t.random() < 0.3
    h = HeaderGrid(t, doc.g.shading)
    h.full("项目名称", c.project)
    f.set("project_name", c.project)
    h.two("主管部门及代码", f"[{c.dept_code}]{c.dept}", "实施单位", c.unit)
    doc.seen.add("unit_codes")
    f.set("supervising_dept", c.dept)
    f.set("supervising_dept_code", c.dept_code)
    f.set("unit_name", c.unit)
    years = rng.choice([2, 3, 3])
    per = f"{years}年"
    if t.random() < 0.6:
        attr = rng.choice(["常年项目", "延续性项目", "一次性项目", "持续性项目"])
        shown = attr
    else:
        opts = t.choice(ATTR_OPTIONS)
        k = rng.randrange(len(opts))
        attr, shown = opts[k], ticks(t, opts, k)
        doc.seen.add("tick_boxes")
    h.two("项目属性", shown, "项目期", per)
    f.set("project_attribute", attr)
    _period(f, per, None, None)
    other = c.other_wan + c.carry_wan
    if t.random() < 0.5:
        h.group_pairs("项目资金（万元）",
                      (f"中期资金总额：{c.mid_wan}", f"年度资金总额：{c.total_wan}"),
                      [("其中：财政拨款", str(c.fiscal_wan)), ("其他资金", str(other))])
        doc.seen.add("label_value_cell")
    else:
        h.group("项目资金（万元）", [("中期资金总额", str(c.mid_wan)),
                                   ("年度资金总额", str(c.total_wan)),
                                   ("其中：财政拨款", str(c.fiscal_wan)), ("其他资金", str(other))])
    f.set("mid_term_budget_yuan", yuan(c.mid_wan))
    f.set("total_budget_yuan", yuan(c.total_wan))
    f.set("fiscal_appropriation_yuan", yuan(c.fiscal_wan))
    f.set("other_funds_yuan", yuan(other))
    y1 = c.year + years - 1
    if long:
        glab = "长期目标"
    else:
        glab = t.choice([f"中期目标（{c.year}年—{y1}年）", f"中期目标（{c.year}-{y1}年）",
                           "中期目标"])
    if t.random() < 0.5:
        h.side_goals("总体目标", glab, c.goal_long, "年度目标", c.goal_annual)
    else:
        h.group("总体目标", [(glab, c.goal_long), ("年度目标", c.goal_annual)])
    f.set("long_term_goal", c.goal_long)
    f.set("overall_goal", c.goal_annual)
    h.place(doc)
    pw = "长期" if long else "中期"
    period = "long_term" if long else "mid_term"
    grouped = t.random() < 0.45
    w2, w3, wv = t.uniform(3.2, 5), t.uniform(6, 10), t.uniform(4.5, 7)
    if grouped:
        heads = ["二级指标", t.choice(["三级指标", "指标内容"]), "指标值"]
        heads = heads + heads
        doc.seen.add("two_row_header")
    else:
        heads = [f"二级指标（{pw}）", f"三级指标（{pw}）", f"指标值（{pw}）",
                 "二级指标（年度）", "三级指标（年度）", "指标值（年度）"]
    kinds = ["l2", "l3", "value", "l2b", "l3b", "valueb"]
    ws = [w2, w3, wv, w2, w3, wv]
    cols = [Col("一级指标", "l1", t.uniform(3.2, 5))] + [
        Col(hd, k, w) for hd, k, w in zip(heads, kinds, ws, strict=True)]
    groups = None
    if grouped:
        gl = t.choice([(f"{pw}绩效指标", "年度绩效指标"), (f"{pw}指标", "年度指标")])
        groups = [(1, 4, gl[0]), (4, 7, gl[1])]
    rows: list[IndRow] = []
    for s in _specs(ds, c, c.specs):
        l1, l2 = ds.level(s.key)
        tm = target_for(c, s, float(years), y1)
        ta = target_for(c, s)
        n_mid = s.name
        if s.kind in ("ge", "eq") and rng.random() < 0.2:
            n_mid = "累计" + s.name
        mi, an = Ind(l1, l2, n_mid, tm, period), Ind(l1, l2, s.name, ta, "annual")
        rows.append(IndRow({"l1": l1, "l2": l2, "l3": n_mid, "value": tm.raw, "l2b": l2,
                            "l3b": s.name, "valueb": ta.raw}, [mi, an]))
    res = ind_table(doc, cols, rows, groups=groups, repeat_header=ds.repeat_header,
                    span_repeat=ds.span_repeat)
    note_perturbations(doc, res)
    f.indicators = [i for r in rows for i in r.inds]
    return f


# ------------------------------------------------------------------ F5 实施期 / 本年度
def form_f5(doc: Doc, c: Content, ds: DocStyle) -> Form:
    rng, t, f = ds.rng, ds.tpl(), Form(c.year)
    if t.random() < 0.5:
        doc.text_line(f"{c.year}年项目支出绩效目标申报表", doc.g.title_size, doc.g.title_font,
                      gap=6)
    else:
        _title(doc, t, "项目支出绩效目标申报表", c.year)
    doc.text_line("填报单位：（盖章）", align="left", right="单位：万元")
    h = HeaderGrid(t, doc.g.shading)
    h.full("项目支出名称", c.project)
    f.set("project_name", c.project)
    h.full("预算部门", c.unit)
    f.set("unit_name", c.unit)
    up = (c.total_wan * Decimal(str(rng.choice([0, 0, 0.2, 0.3])))).quantize(Decimal("0.1"))
    up_s = "0" if up == 0 else str(up)
    total = str(c.total_wan) + ("万" if t.random() < 0.25 else "")
    h.two("年度本级预算金额", total, "该项目支出上级资金", up_s)
    f.set("total_budget_yuan", yuan(c.total_wan))
    f.extra_fields["该项目支出上级资金"] = up_s
    per, s, e = period_text(rng, c.year, t.choice(["dot", "dot", "zh", "zh_full"]))
    h.full("项目支出实施期", per)
    _period(f, per, s, e)
    h.full("实施期绩效目标", c.goal_long)
    h.full("本年度绩效目标", c.goal_annual)
    f.set("long_term_goal", c.goal_long)
    f.set("overall_goal", c.goal_annual)
    h.place(doc)
    cols = [*_level_cols(t, ["三级指标", "三级指标", "三级指标内容"]),
            Col("指标值及单位", "value", t.uniform(5.5, 8)),
            Col("绩效标准", "explain", t.uniform(4.5, 6))]
    doc.seen.add("explanation_column")
    opt = ["standard"]
    if t.random() < 0.3:
        cols.append(Col("备注", "remarks", t.uniform(4.5, 6)))
        opt.append("remarks")
        doc.seen.add("remarks_column")
    if t.random() < 0.25:
        cols[3], cols[4] = cols[4], cols[3]
        doc.seen.add("column_order")
    mid_specs = rng.sample(c.specs, max(5, len(c.specs) // 2))
    mid_specs.sort(key=lambda s: V.ORDER.index(s.key))
    caption = t.random() < 0.2
    for label, period, specs in (("实施期绩效指标", "mid_term", mid_specs),
                                 ("本年度绩效指标", "annual", _specs(ds, c, c.specs))):
        rows = _rows(ds, c, specs, period, opt)
        if caption:
            cap = HeaderGrid(t, doc.g.shading)
            cap.caption(label)
            cap.place(doc)
            res = ind_table(doc, cols, rows, repeat_header=ds.repeat_header,
                            span_repeat=ds.span_repeat)
        else:
            doc.seen.add("vertical_block_label")
            res = ind_table(doc, cols, rows, block=label, repeat_header=ds.repeat_header,
                            span_repeat=ds.span_repeat)
        note_perturbations(doc, res)
        f.indicators += [i for r in rows for i in r.inds]
    tail = HeaderGrid(t, doc.g.shading)
    tail.full("财政部门审核意见", "")
    tail.place(doc)
    if ds.show_person():
        doc.text_line(f"填表人：{c.person}   联系电话：{c.phone}   填报日期：   单位负责人签字：",
                      align="left")
        doc.seen.add("personal_data")
    else:
        doc.text_line("填表人：   联系电话：   填报日期：   单位负责人签字：", align="left")
    return f
