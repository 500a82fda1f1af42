"""The five Version-2 families (CONTRACT.md): one function lays out one form each.

Every header label a form prints is mapped to its truth here, beside the drawing:
a v_project_year column, or ``extra_fields`` (label as printed, colon removed), or
nothing (group captions, money-unit notes, sign-off blanks, people and phones).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from . import vocab as V
from .blocks import ATTR_OPTIONS, Col, HeaderGrid, IndRow, ind_table, note_perturbations, ticks
from .model import Content, Form, Ind, Spec, fmt_yuan, period_text, target_for, yuan
from .table import Doc
from .targets import opcol_target


@dataclass
class DocStyle:
    """choices made once per document."""

    rng: random.Random
    repeat_header: bool
    span_repeat: bool
    personal: bool
    scheme: str  # "classic" | "2021" (成本指标 as a level 1)
    l2: dict[str, str]
    markers: bool
    long_cells: bool
    landscape: bool
    tpl_seed: int

    @classmethod
    def draw(cls, rng: random.Random, landscape: bool) -> DocStyle:
        return cls(rng, rng.random() < 0.55, rng.random() < 0.4, rng.random() < 0.55,
                   rng.choice(["classic", "classic", "2021"]),
                   {k: rng.choice(v) for k, v in V.LEVEL2_NAMES.items()},
                   rng.random() < 0.2, rng.random() < 0.5, landscape, rng.randrange(1 << 30))

    def tpl(self) -> random.Random:
        """the template's choices: the same draws for every form of the document (one
        publisher, one template); the content of each form is drawn from ``rng``."""
        return random.Random(self.tpl_seed)

    def level(self, key: str) -> tuple[str, str]:
        if key == "成本" and self.scheme == "2021":
            return "成本指标", self.rng.choice(V.COST_L2_2021[:1])
        return V.LEVEL1_OF[key], self.l2[key]

    def show_person(self) -> bool:
        return self.personal


def _title(doc: Doc, rng: random.Random, title: str, year: int, inline: bool = False) -> None:
    g = doc.g
    ys = rng.choice([f"（{year}年度）", f"({year}年度)", f"( {year} 年度)"])
    if inline:
        doc.text_line(title + ys, g.title_size, g.title_font, gap=6)
        return
    doc.text_line(title, g.title_size, g.title_font, gap=1)
    doc.text_line(ys, g.size + 1, g.body_font, gap=5)


def _specs(ds: DocStyle, c: Content, specs: list[Spec]) -> list[Spec]:
    """the form's specs, with long level-3 names added when the document has long cells."""
    out = list(specs)
    if ds.long_cells:
        out += c.long_specs[: ds.rng.randint(1, 2)]
        out.sort(key=lambda s: V.ORDER.index(s.key))
    return out


def _rows(ds: DocStyle, c: Content, specs: list[Spec], period: str, opt: list[str],
          scale: float = 1.0, year: int | None = None, opcol: bool = False) -> list[IndRow]:
    rng = ds.rng
    out = []
    for s in specs:
        l1, l2 = ds.level(s.key)
        name = s.name
        if ds.markers and rng.random() < 0.2:
            name = rng.choice(["★", "★★★", "*"]) + name
        t = target_for(c, s, scale, year)
        if opcol:
            t = opcol_target(t, rng)
        ind = Ind(l1, l2, name, t, period)
        cells = {"l1": l1, "l2": l2, "l3": name, "value": t.raw, "op": t.op_cell,
                 "unit": t.unit_cell}
        if "remarks" in opt and rng.random() < 0.35:
            cells["remarks"] = ind.remarks = rng.choice(V.REMARKS)
        if "explain" in opt and rng.random() < 0.7:
            cells["explain"] = ind.explanation = rng.choice(V.EXPLAIN)
        if "standard" in opt and rng.random() < 0.85:
            cells["explain"] = ind.explanation = rng.choice(V.STANDARDS)
        if "weight" in opt:
            w = rng.choice([2, 3, 4, 5, 5, 6, 8, 10])
            cells["weight"] = str(w)
            ind.weight = w
        if "extra" in opt and rng.random() < 0.7:
            v = rng.choice(V.SOURCES)
            cells["extra"] = v
            ind.extra = {"数据来源": v}
        out.append(IndRow(cells, [ind]))
    return out


def _opt_cols(rng: random.Random, doc: Doc, value_col: Col, allowed: dict[str, float]
              ) -> tuple[list[Col], list[str]]:
    """optional columns after the value column (shuffled), and their kinds."""
    heads = {"remarks": ("备注", 6.0), "explain": ("指标说明", 8.0), "weight": ("分值", 3.0),
             "extra": ("数据来源", 6.0)}
    chosen = [k for k, p in allowed.items() if rng.random() < p]
    rng.shuffle(chosen)
    cols = [value_col] + [Col(heads[k][0], k, heads[k][1] * rng.uniform(0.85, 1.2))
                          for k in chosen]
    if "weight" in chosen and rng.random() < 0.4:
        w = next(c for c in cols if c.kind == "weight")
        cols.remove(w)
        cols.insert(0, w)
        doc.seen.add("column_order")
    for k in chosen:
        doc.seen.add({"remarks": "remarks_column", "explain": "explanation_column",
                      "weight": "weight_column", "extra": "extra_column"}[k])
    return cols, chosen


def _level_cols(rng: random.Random, l3_heads: list[str]) -> list[Col]:
    return [Col("一级指标", "l1", rng.uniform(3.2, 5.5)),
            Col("二级指标", "l2", rng.uniform(3.2, 6.5)),
            Col(rng.choice(l3_heads), "l3", rng.uniform(7.5, 13))]


def _money(v: Decimal, yuan_mode: bool) -> str:
    return fmt_yuan(v) if yuan_mode else str(v)


def _set_money(f: Form, c: Content, carry: bool) -> None:
    f.set("total_budget_yuan", yuan(c.total_wan))
    f.set("fiscal_appropriation_yuan", yuan(c.fiscal_wan))
    f.set("other_funds_yuan", yuan(c.other_wan if carry else c.other_wan + c.carry_wan))
    if carry:
        f.set("carryover_yuan", yuan(c.carry_wan))


def _period(f: Form, text: str, start: str | None, end: str | None) -> None:
    f.set("project_period", text)
    f.set("planned_start", start)
    f.set("planned_end", end)


def _sign_off(doc: Doc, rng: random.Random, labels: list[str]) -> None:
    h = HeaderGrid(rng, doc.g.shading)
    for lab in labels:
        h.full(lab, "（盖章）    年  月  日")
    h.place(doc)


# ------------------------------------------------------------------ F1 申报表
F1_TITLES = ["绩效目标申报表", "项目支出绩效目标申报表", "项目支出绩效目标表",
             "市级部门预算项目绩效目标表"]


def form_f1(doc: Doc, c: Content, ds: DocStyle) -> Form:
    rng, t, f = ds.rng, ds.tpl(), Form(c.year)
    _title(doc, t, t.choice(F1_TITLES), c.year)
    if t.random() < 0.4:
        doc.text_line("单位（盖章）：", align="left")
    h = HeaderGrid(t, doc.g.shading)
    h.full("项目名称", c.project)
    f.set("project_name", c.project)
    if ds.show_person():
        h.full("项目负责人及电话", f"{c.person} {c.phone}")
        doc.seen.add("personal_data")
    style = t.choice(["bracket", "paren", "plain"])
    dept_label = "主管部门及代码" if style == "bracket" else "主管部门"
    dept_val = {"bracket": f"[{c.dept_code}]{c.dept}", "paren": f"({c.dept_code}){c.dept}",
                "plain": c.dept}[style]
    f.set("supervising_dept", c.dept)
    f.set("supervising_dept_code", None if style == "plain" else c.dept_code)
    unit_val = c.unit
    f.set("unit_name", c.unit)
    if t.random() < 0.25:
        unit_val = f"[{c.unit_code}]{c.unit}"
        f.set("unit_code", c.unit_code)
    if style != "plain" or "unit_code" in f.fields:
        doc.seen.add("unit_codes")
    h.two(dept_label, dept_val, "实施单位", unit_val)
    per, s, e = period_text(rng, c.year, t.choice(["years", "years", "zh"]))
    _period(f, per, s, e)
    mode = t.choice(["source", "attr", "plain"])
    if mode == "source":
        src = rng.choice(V.SOURCE_OF_PROJECT)
        h.two("项目来源", src, "项目期", per)
        f.extra_fields["项目来源"] = src
    elif mode == "attr":
        opts = t.choice(ATTR_OPTIONS)
        k = rng.randrange(len(opts))
        h.two("项目属性", ticks(t, opts, k), "项目期", per)
        f.set("project_attribute", opts[k])
        doc.seen.add("tick_boxes")
    else:
        h.full("项目期", per)
    yuan_mode = t.random() < 0.2
    cap = t.choice(["资金情况", "项目资金"]) + ("（元）" if yuan_mode else "（万元）")
    if yuan_mode:
        doc.seen.add("money_yuan")
    total = _money(c.total_wan, yuan_mode)
    rows: list[tuple[str | None, str]] = []
    if t.random() < 0.35:
        suffix = "万" if not yuan_mode and t.random() < 0.4 else ""
        rows.append((None, f"年度资金总额：{total}{suffix}"))
        doc.seen.add("label_value_cell")
    else:
        rows.append((t.choice(["年度资金总额：", "年度资金总额"]), total))
    rows.append(("其中：财政拨款", _money(c.fiscal_wan, yuan_mode)))
    carry = t.random() < 0.5
    if carry:
        rows.append((t.choice(["上年结转", "上年结转资金"]), _money(c.carry_wan, yuan_mode)))
    rows.append(("其他资金", _money(c.other_wan if carry else c.other_wan + c.carry_wan,
                                  yuan_mode)))
    h.group(cap, rows, t.choice(["left", "right"]))
    _set_money(f, c, carry)
    gv = t.choice("ABCD")
    if gv == "A":
        h.group("总体目标", [("中期目标", c.goal_long), ("年度目标", c.goal_annual)])
        f.set("long_term_goal", c.goal_long)
        f.set("overall_goal", c.goal_annual)
    elif gv == "B":
        h.full("总体目标", c.goal_annual)
        f.set("overall_goal", c.goal_annual)
    elif gv == "C":
        h.full("年度目标", c.goal_annual)
        f.set("overall_goal", c.goal_annual)
    else:
        h.full("总体目标", c.goal_total)
        h.full("年度目标", c.goal_annual)
        f.extra_fields["总体目标"] = c.goal_total
        f.set("overall_goal", c.goal_annual)
    if t.random() < 0.25:
        basis = rng.choice(V.BASIS)
        h.full("立项依据", basis)
        f.set("basis", basis)
    h.place(doc)
    value = Col(t.choice(["指标值", "指标值", "指标目标值", "目标值", "绩效目标值"]), "value",
                t.uniform(5, 8.5))
    vcols, opt = _opt_cols(t, doc, value, {"remarks": 0.3, "explain": 0.25, "extra": 0.15,
                                            "weight": 0.1})
    cols = _level_cols(t, ["三级指标", "三级指标", "指标名称", "三级指标内容"]) + vcols
    rows_ = _rows(ds, c, _specs(ds, c, c.specs), "annual", opt)
    block = t.choice([None, None, "绩效指标", "年度绩效指标"])
    if block:
        doc.seen.add("vertical_block_label")
    res = ind_table(doc, cols, rows_, block=block, repeat_header=ds.repeat_header,
                    span_repeat=ds.span_repeat)
    note_perturbations(doc, res)
    f.indicators = [i for r in rows_ for i in r.inds]
    if t.random() < 0.4:
        _sign_off(doc, t, ["主管部门审核意见", "财政部门审核意见"])
    return f


# ------------------------------------------------------------------ F2 长期/年度 blocks
def form_f2(doc: Doc, c: Content, ds: DocStyle) -> Form:
    rng, t, f = ds.rng, ds.tpl(), Form(c.year)
    if t.random() < 0.3:
        doc.text_line(f"{c.year}年项目绩效目标表", doc.g.title_size, doc.g.title_font, gap=6)
    else:
        _title(doc, t, "项目绩效目标表", c.year, inline=t.random() < 0.5)
    if t.random() < 0.6:
        doc.text_line(f"填报单位（盖章）：{c.unit}", align="left",
                      right=t.choice(["", "单位：万元"]))
        f.extra_fields["填报单位（盖章）"] = c.unit
    else:
        doc.text_line("填报单位（盖章）：", align="left")
    h = HeaderGrid(t, doc.g.shading)
    h.full("项目名称", c.project)
    f.set("project_name", c.project)
    opts = t.choice(ATTR_OPTIONS[:4])
    k = rng.randrange(len(opts))
    f.set("project_attribute", opts[k])
    doc.seen.add("tick_boxes")
    f.set("supervising_dept", c.dept)
    code_style = t.choice(["cell", "trailing", "none"])
    if code_style == "trailing":
        h.two("项目属性", ticks(t, opts, k), "主管部门及其编码", f"{c.dept} {c.unit_code}")
        f.set("supervising_dept_code", c.unit_code)
        doc.seen.add("unit_codes")
    else:
        h.two("项目属性", ticks(t, opts, k), "主管部门", c.dept)
    unit_label = t.choice(["项目单位", "项目实施单位"])
    if code_style == "cell":
        h.two("主管部门编码", c.dept_code, unit_label, c.unit)
        f.set("supervising_dept_code", c.dept_code)
    else:
        h.full(unit_label, c.unit)
    f.set("unit_name", c.unit)
    if ds.show_person():
        h.two("项目负责人", c.person, "联系电话", c.phone)
        doc.seen.add("personal_data")
    per, s, e = period_text(rng, c.year,
                               t.choice(["compact_day", "zh", "dot", "compact_month"]))
    h.full("项目起止时间", per)
    _period(f, per, s, e)
    carry = t.random() < 0.3
    rows: list[tuple[str | None, str]] = [("年度资金总额", str(c.total_wan)),
                                          ("其中：财政拨款", str(c.fiscal_wan))]
    if carry:
        rows.append(("上年结转资金", str(c.carry_wan)))
    rows.append(("其他资金", str(c.other_wan if carry else c.other_wan + c.carry_wan)))
    h.group("年度资金总额及构成（万元）", rows, "right")
    _set_money(f, c, carry)
    ov = rng.choice(V.OVERVIEW).format(unit=c.unit, proj=c.project, n=rng.randint(6, 18))
    h.full("项目概况", ov + "。")
    f.set("overview", ov + "。")
    basis = rng.choice(V.BASIS) + "。"
    feas = rng.choice(V.FEASIBILITY)
    nec = rng.choice(V.NECESSITY) + "。"
    h.group("项目立项情况", [("项目立项的依据", basis), ("项目申报的可行性", feas),
                           ("项目申报的必要性", nec)])
    f.set("basis", basis)
    f.extra_fields["项目申报的可行性"] = feas
    f.set("necessity", nec)
    h.group("项目绩效目标", [("长期目标", c.goal_long), ("年度目标", c.goal_annual)])
    f.set("long_term_goal", c.goal_long)
    f.set("overall_goal", c.goal_annual)
    h.place(doc)
    l3h = t.choice(["指标内容", "指标内容", "三级指标"])
    base = _level_cols(t, [l3h])
    value = Col("指标值", "value", t.uniform(5, 8))
    remarks = Col("备注", "remarks", t.uniform(4.5, 7))
    doc.seen.add("remarks_column")
    caption = t.random() < 0.25
    long_specs = rng.sample(c.specs, max(5, len(c.specs) * 2 // 3))
    long_specs.sort(key=lambda s: V.ORDER.index(s.key))
    for label, period, specs, scale in (("长期绩效指标", "long_term", long_specs, 3.0),
                                        ("年度绩效指标", "annual", _specs(ds, c, c.specs), 1.0)):
        rows_ = _rows(ds, c, specs, period, ["remarks"], scale, c.year + 2 if scale > 1 else None)
        if caption:
            cap = HeaderGrid(t, doc.g.shading)
            cap.caption(label)
            cap.place(doc)
            res = ind_table(doc, [*base, value, remarks], rows_, repeat_header=ds.repeat_header,
                            span_repeat=ds.span_repeat)
        else:
            doc.seen.add("vertical_block_label")
            res = ind_table(doc, [*base, value, remarks], rows_, block=label,
                            repeat_header=ds.repeat_header, span_repeat=ds.span_repeat)
        note_perturbations(doc, res)
        f.indicators += [i for r in rows_ for i in r.inds]
    if t.random() < 0.5:
        tail = HeaderGrid(t, doc.g.shading)
        tail.full(t.choice(["其他说明的问题", "其他需说明的问题"]), "")
        tail.place(doc)
    return f
