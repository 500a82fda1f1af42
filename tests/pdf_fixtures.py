"""Draw performance target tables as PDFs (reportlab), with the perturbations acceptance uses.

The geometry copies the sample PDFs (A4, cells drawn as 0.6 pt rectangles, UMingCN 9 pt text on
a 10.5 pt pitch, WenQuanYiZenHei titles), so the extractor meets the same kind of drawing. Each
render returns the truth of what it drew, in the shape of ``samples/truth.json`` projects
(``source_page`` included), so tests compare with :func:`tests.support.truth.diff_forms`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

PAGE_W, PAGE_H = A4
X0, X1 = 51.0, 544.0
TOP_FIRST, TOP_CONT, BOTTOM = 106.5, 75.0, 760.0
LH, PAD = 10.5, 5.25
BODY, HEAD = "UMingCN", "WenQuanYiZenHei"
FONT_FILES = {BODY: "/usr/share/fonts/truetype/arphic/uming.ttc",
              HEAD: "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"}


def fonts_available() -> bool:
    return all(Path(p).exists() for p in FONT_FILES.values())


def _register() -> None:
    for name, path in FONT_FILES.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))


@dataclass(frozen=True)
class Indicator:
    level1: str
    level2: str
    level3: str
    target: str


@dataclass(frozen=True)
class Project:
    unit: str
    name: str
    indicators: tuple[Indicator, ...]
    category: str = "其他一次性项目"
    perf_type: str = "事业/专业类"
    start: str = "2023-01-01"
    end: str = "2023-12-31"
    gov: str = "否"
    money: tuple[int, int, int, int] = (120000, 120000, 100000, 98000)
    overview: str = "项目面向全市开展专项工作，覆盖各区相关单位。"
    basis: str = "《中华人民共和国预算法》。"
    necessity: str = "项目的实施有助于提升服务能力。"
    measures: str = ""
    plan: str = "年内完成。"
    goal: str = "完成年度工作任务。"
    dept: str = "上海市某某局"  # national layout only
    funds: tuple[str, str, str] = ("52.80", "40.00", "12.80")  # 万元, national layout only


@dataclass(frozen=True)
class Options:
    """Perturbations (names as in samples/truth.json's perturbation legend)."""

    spaced_labels: bool = False
    halfwidth_labels: bool = False
    no_colon: bool = False
    repeat_header: bool = False
    span_label_repeat: bool = False
    footer: str | None = None  # "dash" (- 3 -) or "of" (第 3 页 共 9 页)
    indicator_new_page: bool = True  # Shanghai: the indicator table starts on a fresh page
    header_break: str | None = None  # Shanghai: start a new page before this header label
    cover: str | None = None  # a page of text before the first form


@dataclass
class _Sheet:
    """A reportlab canvas with a page counter, drawing in pdfplumber's top-down coordinates."""

    c: canvas.Canvas
    opts: Options
    total: int | None
    page: int = 1
    y: float = TOP_FIRST

    def text(self, x: float, top: float, s: str, font: str = BODY, size: float = 9) -> None:
        self.c.setFont(font, size)
        self.c.drawString(x, PAGE_H - (top + 0.879 * size + 0.58), s)

    def centred(self, top: float, s: str, font: str, size: float) -> None:
        self.text((PAGE_W - pdfmetrics.stringWidth(s, font, size)) / 2, top, s, font, size)

    def rect(self, x0: float, top: float, x1: float, bottom: float) -> None:
        self.c.setLineWidth(0.6)
        self.c.rect(x0, PAGE_H - bottom, x1 - x0, bottom - top, stroke=1, fill=0)

    def lines(self, x0: float, top: float, lines: Sequence[str], font: str = BODY) -> None:
        for i, line in enumerate(lines):
            self.text(x0 + 4, top + PAD + i * LH, line, font)

    def new_page(self) -> None:
        if self.opts.footer == "dash":
            self.centred(775.8, f"- {self.page} -", BODY, 9)
        elif self.opts.footer == "of":
            self.centred(775.8, f"第 {self.page} 页 共 {self.total or 0} 页", BODY, 9)
        self.c.showPage()
        self.page += 1
        self.y = TOP_CONT


def wrap(text: str, width: float, font: str = BODY, size: float = 9) -> list[str]:
    """Break text into lines that fit ``width`` (characters, as the samples wrap CJK)."""
    out: list[str] = []
    for para in text.split("\n"):
        line = ""
        for ch in para:
            if line and pdfmetrics.stringWidth(line + ch, font, size) > width - 8:
                out.append(line)
                line = ""
            line += ch
        out.append(line)
    return out


def _label(text: str, opts: Options, colon: bool = True) -> str:
    if opts.spaced_labels:
        text = " ".join(text)
    if opts.halfwidth_labels:
        text = text.replace("（", "(").replace("）", ")")
    if colon and not opts.no_colon:
        text += ":" if opts.halfwidth_labels else "："
    return text


Row = list[tuple[float, float, str]]  # cells: x0, x1, text


def _row(sheet: _Sheet, cells: Row, split_col: int | None = None) -> None:
    """Draw a row of cells at the cursor; a row that does not fit goes to the next page, or,
    when ``split_col`` names its narrative cell, is split there (the rest under a blank label)."""
    wrapped = [wrap(t, x1 - x0) if t else [] for x0, x1, t in cells]
    n = max(1, *(len(w) for w in wrapped))
    if sheet.y + n * LH + 2 * PAD > BOTTOM:
        fit = int((BOTTOM - sheet.y - 2 * PAD) // LH)
        if split_col is None or fit < 1:
            sheet.new_page()
        else:
            head = list(wrapped)
            head[split_col] = wrapped[split_col][:fit]
            _draw_row(sheet, cells, head, fit)
            sheet.new_page()
            tail: list[list[str]] = [[] for _ in cells]
            tail[split_col] = wrapped[split_col][fit:]
            _row_lines(sheet, cells, tail, split_col)
            return
    _draw_row(sheet, cells, wrapped, n)


def _row_lines(sheet: _Sheet, cells: Row, wrapped: list[list[str]], split_col: int) -> None:
    text = "\n".join(wrapped[split_col])
    cells = [(x0, x1, text if i == split_col else "") for i, (x0, x1, _) in enumerate(cells)]
    _row(sheet, cells, split_col)


def _draw_row(sheet: _Sheet, cells: Row, wrapped: list[list[str]], n: int) -> None:
    bottom = sheet.y + n * LH + 2 * PAD
    for (x0, x1, _), lines in zip(cells, wrapped, strict=True):
        sheet.rect(x0, sheet.y, x1, bottom)
        sheet.lines(x0, sheet.y, lines)
    sheet.y = bottom


def _title(sheet: _Sheet, title: str, year: int) -> None:
    sheet.centred(76.8, title, HEAD, 15)
    sheet.centred(91.6, f"（{year}年度）", BODY, 10.5)
    sheet.y = TOP_FIRST


@dataclass
class _Merged:
    """An open merged level cell on the current page."""

    x0: float
    x1: float
    text: str
    top: float
    printed: bool = False


@dataclass
class _Table:
    sheet: _Sheet
    heads: Row
    level_x: tuple[tuple[float, float], tuple[float, float]]
    open: list[_Merged | None] = field(default_factory=lambda: [None, None])
    side: _Merged | None = None  # national: 绩效指标, merged over the whole table

    def close_side(self) -> None:
        m = self.side
        if m is not None and m.top < self.sheet.y:
            self.sheet.rect(m.x0, m.top, m.x1, self.sheet.y)
            if not m.printed:
                self.sheet.lines(m.x0, (m.top + self.sheet.y) / 2 - LH / 2 - PAD, [m.text])
                m.printed = True

    def head(self, font: str = HEAD) -> None:
        for x0, x1, t in self.heads:
            self.sheet.rect(x0, self.sheet.y, x1, self.sheet.y + 15.75)
            w = pdfmetrics.stringWidth(t, font, 9)
            self.sheet.text((x0 + x1 - w) / 2, self.sheet.y + 3.4, t, font)
        self.sheet.y += 15.75

    def close(self, level: int, keep: bool = False) -> None:
        m = self.open[level]
        if m is None or m.top >= self.sheet.y:
            self.open[level] = None
            return
        self.sheet.rect(m.x0, m.top, m.x1, self.sheet.y)
        if not m.printed or self.sheet.opts.span_label_repeat:
            lines = wrap(m.text, m.x1 - m.x0)
            top = (m.top + self.sheet.y) / 2 - len(lines) * LH / 2 - PAD
            self.sheet.lines(m.x0, top, lines)
        self.open[level] = replace(m, printed=True) if keep else None

    def row(self, ind: Indicator, cols: tuple[tuple[float, float], tuple[float, float]]) -> int:
        (l3x0, l3x1), (tx0, tx1) = cols
        l3, tg = wrap(ind.level3, l3x1 - l3x0), wrap(ind.target, tx1 - tx0)
        h = max(len(l3), len(tg)) * LH + 2 * PAD
        if self.sheet.y + h > BOTTOM:
            self.close(0, keep=True)
            self.close(1, keep=True)
            self.close_side()
            self.sheet.new_page()
            if self.side is not None:
                self.side.top = self.sheet.y
            if self.sheet.opts.repeat_header:
                self.head()
            for m in self.open:
                if m is not None:
                    m.top = self.sheet.y
        for level, text in ((0, ind.level1), (1, ind.level2)):
            m = self.open[level]
            if m is None or m.text != text or (level == 1 and self.open[0] is None):
                self.close(level)
                x0, x1 = self.level_x[level]
                self.open[level] = _Merged(x0, x1, text, self.sheet.y)
        self.sheet.rect(l3x0, self.sheet.y, l3x1, self.sheet.y + h)
        self.sheet.lines(l3x0, self.sheet.y, l3)
        self.sheet.rect(tx0, self.sheet.y, tx1, self.sheet.y + h)
        self.sheet.lines(tx0, self.sheet.y, tg)
        self.sheet.y += h
        return self.sheet.page

    def rows(self, inds: Sequence[Indicator],
             cols: tuple[tuple[float, float], tuple[float, float]]) -> list[int]:
        pages = []
        for i, ind in enumerate(inds):
            if i and ind.level1 != inds[i - 1].level1:
                self.close(1)
                self.close(0)
            pages.append(self.row(ind, cols))
        self.close(1)
        self.close(0)
        self.close_side()
        return pages


def _shanghai(sheet: _Sheet, p: Project, year: int) -> list[int]:
    o = sheet.opts
    _title(sheet, "财政项目支出绩效目标表", year)
    _row(sheet, [(X0, X1, _label("申报单位名称", o) + p.unit)])
    pairs = (("项目名称", p.name, "项目类别", p.category),
             ("计划开始日期", p.start, "计划完成日期", p.end),
             ("是否含有政府购买服务", p.gov, "绩效类型", p.perf_type))
    for a, av, b, bv in pairs:
        _row(sheet, [(X0, 176, _label(a, o)), (176, 292, av), (292, 382, _label(b, o)),
                     (382, X1, bv)])
    for label, value in (("项目概况", p.overview), ("立项依据", p.basis),
                         ("项目设立的必要性", p.necessity),
                         ("保证项目实施的制度、措施", p.measures), ("项目实施计划", p.plan),
                         ("总目标及阶段性目标", p.goal)):
        if o.header_break == label:
            sheet.new_page()
        _row(sheet, [(X0, 176, _label(label, o)), (176, X1, value)], split_col=1)
    _row(sheet, [(X0, X1, "本项目上年度市级财政资金使用情况")])
    m = [f"{v:,}" for v in p.money]
    _row(sheet, [(X0, 176, _label("项目总预算（元）", o)), (176, 276, m[0]),
                 (276, 426, _label("项目当年预算（元）", o)), (426, X1, m[1])])
    _row(sheet, [(X0, 176, _label("同名项目上年预算额（元）", o)), (176, 276, m[2]),
                 (276, 426, _label("同名项目上年预算执行数（元）", o)), (426, X1, m[3])])
    if o.indicator_new_page or sheet.y + 60 > BOTTOM:
        sheet.new_page()
        sheet.y = 72.3
    sheet.centred(sheet.y, f"{year}年绩效目标", HEAD, 12)
    sheet.y += 13.2
    table = _Table(sheet, [(X0, 111, "一级目标"), (111, 191, "二级目标"), (191, 406, "三级目标"),
                           (406, X1, "指标目标值")], ((X0, 111), (111, 191)))
    table.head()
    return table.rows(p.indicators, ((191, 406), (406, X1)))


def _national(sheet: _Sheet, p: Project, year: int) -> list[int]:
    o = sheet.opts
    _title(sheet, "项目支出绩效目标表", year)

    def lab(text: str) -> str:
        return _label(text, o, colon=False)

    _row(sheet, [(X0, 138, lab("项目名称")), (138, X1, p.name)])
    _row(sheet, [(X0, 138, lab("主管部门")), (138, 300, p.dept), (300, 380, lab("实施单位")),
                 (380, X1, p.unit)])
    top = sheet.y
    for label, value in zip(("年度资金总额", "其中：财政拨款", "其他资金"), p.funds, strict=True):
        _draw_row(sheet, [(138, 300, ""), (300, X1, "")], [[lab(label)], [value]], 1)
    sheet.rect(X0, top, 138, sheet.y)
    sheet.lines(X0, (top + sheet.y) / 2 - LH / 2 - PAD, [lab("项目资金（万元）")])
    _row(sheet, [(X0, 138, lab("年度总体目标")), (138, X1, p.goal)])
    table = _Table(sheet, [(138, 200, "一级指标"), (200, 281, "二级指标"), (281, 444, "三级指标"),
                           (444, X1, "指标值")], ((138, 200), (200, 281)))
    table.side = _Merged(X0, 138, lab("绩效指标"), sheet.y)
    table.head(font=BODY)
    return table.rows(p.indicators, ((281, 444), (444, X1)))


def _truth(p: Project, year: int, layout: str, pages: list[int]) -> dict[str, Any]:
    shanghai = layout == "shanghai"
    wan = [round(float(v) * 10000) for v in p.funds]
    return {
        "year": year, "unit_name": p.unit, "project_name": p.name,
        "supervising_dept": None if shanghai else p.dept,
        "project_category": p.category if shanghai else None,
        "performance_type": p.perf_type if shanghai else None,
        "planned_start": p.start if shanghai else None,
        "planned_end": p.end if shanghai else None,
        "includes_gov_procurement": (p.gov == "是") if shanghai else None,
        "total_budget_yuan": p.money[0] if shanghai else wan[0],
        "current_year_budget_yuan": p.money[1] if shanghai else None,
        "prior_year_budget_yuan": p.money[2] if shanghai else None,
        "prior_year_executed_yuan": p.money[3] if shanghai else None,
        "fiscal_appropriation_yuan": None if shanghai else wan[1],
        "other_funds_yuan": None if shanghai else wan[2],
        "overview": p.overview if shanghai else None,
        "basis": p.basis if shanghai else None,
        "necessity": p.necessity if shanghai else None,
        "overall_goal": p.goal,
        "indicators": [{"level1": i.level1, "level2": i.level2, "level3": i.level3,
                        "target_raw": i.target, "source_page": pg}
                       for i, pg in zip(p.indicators, pages, strict=True)],
    }


def _draw(path: Path, projects: Sequence[Project], layout: str, year: int, opts: Options,
          total: int | None) -> tuple[int, list[dict[str, Any]]]:
    _register()
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    sheet = _Sheet(c, opts, total)
    truth = []
    if opts.cover:
        sheet.centred(200, opts.cover, HEAD, 15)
        sheet.new_page()
    for n, p in enumerate(projects):
        if n:
            sheet.new_page()
        pages = (_shanghai if layout == "shanghai" else _national)(sheet, p, year)
        truth.append(_truth(p, year, layout, pages))
    sheet.new_page()
    c.save()
    return sheet.page - 1, truth


def render(path: Path, projects: Sequence[Project], layout: str = "shanghai",
           year: int = 2023, opts: Options | None = None) -> tuple[int, list[dict[str, Any]]]:
    """Draw ``projects`` as one PDF; returns (page count, truth projects)."""
    opts = opts or Options()
    pages, truth = _draw(path, projects, layout, year, opts, None)
    if opts.footer == "of":  # needs the page total: draw again now that it is known
        pages, truth = _draw(path, projects, layout, year, opts, pages)
    return pages, truth


# --- ready-made content -------------------------------------------------------------------

SHANGHAI_ROWS = (
    ("投入与管理", "投入管理", "预算执行率", "≥95%"),
    ("投入与管理", "财务管理", "资金使用规范性", "规范"),
    ("投入与管理", "实施管理", "政府采购规范性", "合规"),
    ("产出目标", "数量", "举办培训班次", ">=12期"),
    ("产出目标", "数量", "覆盖社区数", "≥40个"),
    ("产出目标", "质量", "验收合格率", "＞＝98％"),
    ("产出目标", "时效", "完成及时率", "=100%"),
    ("效果目标", "社会效益", "居民知晓率", "80%~90%"),
    ("效果目标", "服务对象满意度", "参与者满意度", "≥90%"),
    ("影响力目标", "长效管理", "制度健全性", "健全"),
)
NATIONAL_ROWS = (
    ("产出指标", "数量指标", "开展活动场次", ">=6场"),
    ("产出指标", "质量指标", "活动达标率", "≥95%"),
    ("产出指标", "时效指标", "按期完成率", "100%"),
    ("效益指标", "社会效益指标", "受益人数", "不少于2000人"),
    ("满意度指标", "服务对象满意度指标", "学员满意度", ">=90%"),
)


def indicators(rows: Sequence[tuple[str, str, str, str]], extra: int = 0,
               tag: str = "") -> tuple[Indicator, ...]:
    """The given rows, plus ``extra`` level-3 rows under the first 数量-like group (to make a
    table long enough to run over a page)."""
    out = [Indicator(*r) for r in rows]
    pos = next((i for i, r in enumerate(rows) if r[0] == rows[3][0]), 0)
    more = [Indicator(rows[pos][0], rows[pos][1], f"{tag}新增指标{k + 1}", f">={k + 1}项")
            for k in range(extra)]
    return tuple(out[:pos + 1] + more + out[pos + 1:])


def project(k: int, **changes: Any) -> Project:
    """A Shanghai-style project numbered ``k`` (names differ per k)."""
    base = Project(unit="上海市示范服务中心", name=f"社区服务能力提升项目{k}",
                   indicators=indicators(SHANGHAI_ROWS))
    return replace(base, **changes)
