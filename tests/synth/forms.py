"""Lay out one form (Shanghai layout or national template) onto pages."""

from __future__ import annotations

from dataclasses import dataclass, field

from .layout import (
    BODY,
    HEAD,
    LH,
    PAGE_W,
    TOP_CONT,
    X0,
    X1,
    Cell,
    Flow,
    Page,
    Style,
    narrative_lines,
    row_h,
    sw,
    wrap_count,
    wrap_width,
)
from .model import Indicator, Project

FOOTER = "\x00FOOTER\x00"


@dataclass
class Report:
    """what actually happened while laying out (perturbations observed)."""

    seen: set[str] = field(default_factory=set)


def money(v: float | None) -> str:
    return f"{round(v or 0):,}"


def wan(v: float | None) -> str:
    return f"{(v or 0) / 10000:.2f}"


def _title(page: Page, title: str, year: int, st: Style) -> None:
    page.text((PAGE_W - sw(title, HEAD, 15)) / 2, 88.8, title, HEAD, 15)
    yl = st.paren(f"（{year}年度）")
    page.text((PAGE_W - sw(yl, BODY, 10.5)) / 2, 100.83, yl, BODY, 10.5)
    page.seed += [title, yl, ""]


# ------------------------------------------------------------------ Shanghai
def layout_shanghai(p: Project, st: Style, flow: Flow, rep: Report) -> None:
    c = st.colon()
    page = flow.new_page() if flow.page.ops else flow.page
    flow.y = TOP_FIRST_SH
    _title(page, "财政项目支出绩效目标表", p.year, st)
    unit = st.name(p.unit_name)
    name = st.name(p.project_name)
    name_lines = wrap_count(name, 12)
    rows: list[tuple[str, list[Cell], list[str]]] = []
    rows.append(("unit", [Cell(X0, X1, wrap_width(f"{st.label('申报单位名称')}{c}{unit}", 485))],
                 [f"{st.label('申报单位名称')}{c}{unit}"]))
    if len(name_lines) > 1:
        if len(name_lines) > 2:
            rep.seen.add("long_names")
        seed_name = [f"{st.label('项目名称')}{c}"]
        for ln in name_lines:
            seed_name.append(ln)
            if st.rng.random() < 0.3:
                seed_name.append("")
        seed_name.append(f"{st.label('项目类别')}{c} {p.project_category}")
    else:
        seed_name = [f"{st.label('项目名称')}{c} {name} {st.label('项目类别')}{c} "
                     f"{p.project_category}"]
    pair = [X0, 176.0, 292.0, 382.0, X1]
    rows.append(("name", _pair(pair, f"{st.label('项目名称')}{c}", name_lines,
                               f"{st.label('项目类别')}{c}", [p.project_category or ""]),
                 seed_name))
    rows.append(("dates", _pair(pair, f"计划开始日期{c}", [p.planned_start or ""],
                                f"计划完成日期{c}", [p.planned_end or ""]),
                 [f"计划开始日期{c} {p.planned_start} 计划完成日期{c} {p.planned_end}"]))
    proc = "是" if p.includes_gov_procurement else "否"
    rows.append(("proc", _pair(pair, f"是否含有政府购买服务{c}", [proc],
                               f"{st.label('绩效类型')}{c}", [p.performance_type or ""]),
                 [f"是否含有政府购买服务{c} {proc} {st.label('绩效类型')}{c} "
                  f"{p.performance_type}"]))
    for lab, txt in (("项目概况", p.overview), ("立项依据", p.basis),
                     ("项目设立的必要性", p.necessity), ("保证项目实施的制度、措施", p.measures),
                     ("项目实施计划", p.plan), ("总目标及阶段性目标", p.overall_goal)):
        rows.append(("narr", [Cell(X0, 176.0, [f"{st.label(lab)}{c}"]),
                              Cell(176.0, X1, narrative_lines(txt, st))], []))
    bud = [X0, 176.0, 276.0, 426.0, X1]
    y = st.paren("（元）")
    rows.append(("usage", [Cell(X0, X1, ["本项目上年度市级财政资金使用情况"])],
                 ["本项目上年度市级财政资金使用情况"]))
    rows.append(("bud1", _pair(bud, f"项目总预算{y}{c}", [money(p.total_budget_yuan)],
                               f"项目当年预算{y}{c}", [money(p.current_year_budget_yuan)]),
                 [f"项目总预算{y}{c} {money(p.total_budget_yuan)} 项目当年预算{y}{c} "
                  f"{money(p.current_year_budget_yuan)}", ""]))
    rows.append(("bud2", _pair(bud, f"同名项目上年预算额{y}{c}", [money(p.prior_year_budget_yuan)],
                               f"同名项目上年预算执行数{y}{c}",
                               [money(p.prior_year_executed_yuan)]),
                 [f"同名项目上年预算额{y}{c} {money(p.prior_year_budget_yuan)} "
                  f"同名项目上年预算执行数{y}{c} {money(p.prior_year_executed_yuan)}"]))
    force_break = None
    if st.has("header_page_break") and st.rng.random() < 0.8:
        force_break = st.rng.choice(["bud2", "bud1", "usage"])
    for kind, cells, seed in rows:
        h = 10.5 if kind == "usage" else row_h(cells)
        if kind == force_break and flow.pno > 0:
            flow.new_page()
            rep.seen.add("header_page_break")
        if kind == "narr":
            _narrative(flow, cells, st, rep)
            continue
        if not flow.fits(h):
            flow.new_page()
            rep.seen.add("header_page_break")
        for cell in cells:
            flow.page.cell(cell, flow.y, h)
        flow.page.seed += [*seed, ""] if kind != "bud1" else seed
        flow.y += h
    _table_shanghai(p, st, flow, rep)


TOP_FIRST_SH = 106.5


def _pair(xs: list[float], l1: str, v1: list[str], l2: str, v2: list[str]) -> list[Cell]:
    return [Cell(xs[0], xs[1], [l1]), Cell(xs[1], xs[2], v1), Cell(xs[2], xs[3], [l2]),
            Cell(xs[3], xs[4], v2)]


def _narrative(flow: Flow, cells: list[Cell], st: Style, rep: Report) -> None:
    label, body = cells
    lines = body.lines
    seed_label = [label.lines[0]] + ([""] if st.rng.random() < 0.6 else [])
    if not lines:
        h = 21.0
        if not flow.fits(h):
            flow.new_page()
            rep.seen.add("header_page_break")
        flow.page.cell(label, flow.y, h)
        flow.page.cell(Cell(body.x0, body.x1, []), flow.y, h)
        flow.page.seed += [label.lines[0], ""]
        flow.y += h
        return
    first = True
    while lines:
        room = int((760.0 - flow.y - LH) // LH)
        if room >= len(lines):
            chunk, lines = lines, []
        elif room >= 2 and (st.has("long_paragraph") or len(lines) > 12):
            chunk, lines = lines[:room], lines[room:]
            rep.seen.add("long_paragraph")
        else:
            flow.new_page()
            rep.seen.add("header_page_break")
            continue
        h = len(chunk) * LH + LH
        flow.page.cell(Cell(label.x0, label.x1, label.lines if first else []), flow.y, h)
        flow.page.cell(Cell(body.x0, body.x1, chunk), flow.y, h)
        flow.page.seed += (seed_label if first else []) + chunk + [""]
        flow.y += h
        first = False
        if lines:
            flow.new_page()


# ------------------------------------------------------------------ tables
@dataclass
class TRow:
    ind: Indicator
    l3: list[str]
    tgt: list[str]
    h: float = 21.0
    page: int = 0
    top: float = 0.0


def _spans(rows: list[TRow], key: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or getattr(rows[i].ind, key) != getattr(rows[start].ind, key):
            out.append((start, i))
            start = i
    return out


def _paginate_table(rows: list[TRow], flow: Flow, st: Style, header: list[Cell],
                    header_h: float, rep: Report, on_new_page: object = None) -> None:
    for r in rows:
        if not flow.fits(r.h):
            flow.new_page()
            rep.seen.add("table_continues")
            if callable(on_new_page):
                on_new_page()
            if st.has("repeat_header"):
                for cell in header:
                    flow.page.cell(cell, flow.y, header_h)
                flow.page.seed.append(" ".join(c.lines[0] for c in header if c.lines[0]))
                rep.seen.add("repeat_header")
                flow.y += header_h
        r.page, r.top = flow.pno, flow.y
        r.ind.source_page = flow.pno
        flow.y += r.h


def _draw_table(rows: list[TRow], flow: Flow, st: Style, cols: list[float], l1w: float,
                l2w: float, tgt_align: str, rep: Report) -> None:
    """draw level-1/2 span fragments, level-3/target cells and the seed lines."""
    frags: dict[int, list[tuple[int, int, str, bool]]] = {}  # row index -> fragments starting
    for key, (x0, x1), width in (("level1", (cols[0], cols[1]), l1w),
                                 ("level2", (cols[1], cols[2]), l2w)):
        for a, b in _spans(rows, key):
            i = a
            first = True
            while i < b:
                j = i
                while j < b and rows[j].page == rows[i].page:
                    j += 1
                if not first and key == "level2":
                    rep.seen.add("span_page_break")
                printed = first or st.has("span_label_repeat")
                if not first and printed and key == "level2":
                    rep.seen.add("span_label_repeat")
                label = getattr(rows[i].ind, key)
                top, bot = rows[i].top, rows[j - 1].top + rows[j - 1].h
                page = flow.pages[rows[i].page - 1]
                lines = wrap_width(label, width) if printed else []
                page.cell(Cell(x0, x1, lines, "center"), top, bot - top)
                frags.setdefault(i, []).append((j - i, 0, label if printed else "", printed))
                first = False
                i = j
    for i, r in enumerate(rows):
        page = flow.pages[r.page - 1]
        page.cell(Cell(cols[2], cols[3], r.l3), r.top, r.h)
        page.cell(Cell(cols[3], cols[4], r.tgt, tgt_align), r.top, r.h)
        inline: list[str] = []
        for span, _, label, printed in frags.get(i, []):
            if not printed:
                continue
            if span > 1 and not inline and st.rng.random() < 0.8:
                page.seed.append(label)
                if st.rng.random() < 0.5:
                    page.seed.append("")
            else:
                inline.append(label)
        l3, tgt = list(r.l3), "".join(r.tgt)
        if len(l3) > 1:
            page.seed += [" ".join([*inline, l3[0]]), *l3[1:-1], f"{l3[-1]} {tgt}"]
        else:
            page.seed.append(" ".join([*inline, l3[0], tgt]))
        if st.rng.random() < 0.85:
            page.seed.append("")


def _mk_rows(p: Project, st: Style, l3w: float, tgtw: float, rep: Report) -> list[TRow]:
    rows = []
    for ind in p.indicators:
        shown = st.name(ind.level3) if st.rng.random() < 0.3 else ind.level3
        l3 = wrap_width(shown, l3w)
        if len(l3) > 1:
            rep.seen.add("long_cells")
        tgt_shown = ind.target_raw
        if ind.target_operator is None and st.has("stray_spaces") and st.rng.random() < 0.2:
            tgt_shown = st.name(tgt_shown)
        tgt = wrap_width(tgt_shown, tgtw)
        rows.append(TRow(ind, l3, tgt, max(21.0, max(len(l3), len(tgt)) * LH + LH)))
    return rows


def _grow_for_labels(rows: list[TRow], l1w: float, l2w: float) -> None:
    for key, w in (("level1", l1w), ("level2", l2w)):
        for a, b in _spans(rows, key):
            need = len(wrap_width(getattr(rows[a].ind, key), w)) * LH + LH
            have = sum(r.h for r in rows[a:b])
            if have < need:
                rows[b - 1].h += need - have


def _table_shanghai(p: Project, st: Style, flow: Flow, rep: Report) -> None:
    cols = [X0, 111.0, 191.0, 406.0, X1]
    flow.new_page()
    title = f"{p.year}年绩效目标"
    flow.page.text((PAGE_W - sw(title, HEAD, 12)) / 2, 81.9, title, HEAD, 12)
    flow.page.seed.append(title)
    header = [Cell(cols[k], cols[k + 1], [t], "center", HEAD)
              for k, t in enumerate(["一级目标", "二级目标", "三级目标", "指标目标值"])]
    flow.y = 85.5
    for cell in header:
        flow.page.cell(cell, flow.y, 15.75)
    flow.page.seed += ["一级目标 二级目标 三级目标 指标目标值", ""]
    flow.y += 15.75
    rows = _mk_rows(p, st, 207.0, 130.0, rep)
    _grow_for_labels(rows, 52.0, 72.0)
    _paginate_table(rows, flow, st, header, 15.75, rep)
    _draw_table(rows, flow, st, cols, 52.0, 72.0, "left", rep)


# ------------------------------------------------------------------ national
def layout_national(p: Project, st: Style, flow: Flow, rep: Report) -> None:
    page = flow.new_page() if flow.page.ops else flow.page
    _title(page, "项目支出绩效目标表", p.year, st)
    rep.seen.add("table_same_page")
    flow.y = TOP_FIRST_SH
    name = st.name(p.project_name)
    unit = st.name(p.unit_name)
    lab = [Cell(X0, 138.0, [st.label("项目名称", True)], "center"),
           Cell(138.0, X1, wrap_width(name, 396))]
    if len(lab[1].lines) > 1:
        rep.seen.add("long_names")
    _row(flow, lab)
    r2 = [Cell(X0, 138.0, [st.label("主管部门")], "center"),
          Cell(138.0, 300.0, wrap_width(st.name(p.supervising_dept or ""), 154)),
          Cell(300.0, 380.0, [st.label("实施单位")], "center"),
          Cell(380.0, X1, wrap_width(unit, 156))]
    if len(r2[3].lines) > 1:
        rep.seen.add("long_names")
    _row(flow, r2)
    top = flow.y
    money_label = st.paren("项目资金（万元）")
    for sub, v in (("年度资金总额", p.total_budget_yuan),
                   (st.paren("其中：财政拨款") if st.has("halfwidth_labels") else "其中：财政拨款",
                    p.fiscal_appropriation_yuan), ("其他资金", p.other_funds_yuan)):
        flow.page.cell(Cell(138.0, 300.0, [sub]), flow.y, 21.0)
        flow.page.cell(Cell(300.0, X1, [wan(v)], "right"), flow.y, 21.0)
        flow.y += 21.0
    flow.page.cell(Cell(X0, 138.0, [money_label], "center"), top, 63.0)
    goal = narrative_lines(p.overall_goal, st, 44)
    _row(flow, [Cell(X0, 138.0, ["年度总体目标"], "center"), Cell(138.0, X1, goal)])
    cols = [138.0, 200.0, 281.0, 444.0, X1]
    header = [Cell(cols[k], cols[k + 1], [t], "center", HEAD)
              for k, t in enumerate(["一级指标", "二级指标", "三级指标", "指标值"])]
    rows = _mk_rows(p, st, 155.0, 92.0, rep)
    _grow_for_labels(rows, 54.0, 72.0)
    big_top = [flow.y]
    big_label = [True]

    def close_big() -> None:
        """the 绩效指标 column of the page that was just filled."""
        prev = flow.pages[-2]
        prev.cell(Cell(X0, 138.0, ["绩效指标"] if big_label[0] else [], "center"),
                  big_top[0], _prev_bottom[0] - big_top[0])
        big_label[0] = False
        big_top[0] = TOP_CONT

    _prev_bottom = [0.0]
    start_page = flow.pno
    if not flow.fits(21.0 + rows[0].h):
        flow.new_page()
        big_top[0] = TOP_CONT
    for cell in header:
        flow.page.cell(cell, flow.y, 21.0)
    flow.y += 21.0

    # paginate, remembering where each page's table ends
    def on_new() -> None:
        _prev_bottom[0] = _last_bottom[0]
        close_big()

    _last_bottom = [flow.y]
    for r in rows:
        if not flow.fits(r.h):
            flow.new_page()
            rep.seen.add("table_continues")
            on_new()
            if st.has("repeat_header"):
                for cell in header:
                    flow.page.cell(cell, flow.y, 21.0)
                rep.seen.add("repeat_header")
                flow.y += 21.0
        r.page, r.top = flow.pno, flow.y
        r.ind.source_page = flow.pno
        flow.y += r.h
        _last_bottom[0] = flow.y
    flow.page.cell(Cell(X0, 138.0, ["绩效指标"] if big_label[0] else [], "center"),
                   big_top[0], flow.y - big_top[0])
    del start_page
    _draw_table(rows, flow, st, cols, 54.0, 72.0, "center", rep)


def _row(flow: Flow, cells: list[Cell]) -> None:
    h = row_h(cells)
    if not flow.fits(h):
        flow.new_page()
    for c in cells:
        flow.page.cell(c, flow.y, h)
    flow.y += h
