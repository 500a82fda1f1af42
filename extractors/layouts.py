"""What the two published layouts print: titles, header labels, table columns, level taxonomies.

This is the one place that knows the forms' vocabulary; every extractor (PDF or text) asks it
instead of carrying its own strings. It holds only what a template prints by definition
(titles, labels, column headings, the fixed level-1/level-2 taxonomies), never words of
sample content: no level-3 names, no category words for parsing or tie-breaking.

Matching is tolerant of what the wild does to labels: half-width or full-width punctuation,
spaces between the characters of a distributed label (``项 目 名 称：``), a missing colon.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Literal

from extractors.model import Layout, MoneyUnit

LabelKind = Literal["short", "narrative", "money", "heading"]

SHANGHAI_TITLE = "财政项目支出绩效目标表"
NATIONAL_TITLE = "项目支出绩效目标表"

_SPACE = "[ \u3000\u00a0\t]*"


@dataclass(frozen=True, slots=True)
class Label:
    """A printed header label and the canonical field its value fills (``None``: a heading)."""

    text: str
    field: str | None
    kind: LabelKind
    layout: Layout


def _label(layout: Layout, text: str, field: str | None, kind: LabelKind) -> Label:
    return Label(text=text, field=field, kind=kind, layout=layout)


SHANGHAI_LABELS: tuple[Label, ...] = (
    _label("shanghai", "申报单位名称", "unit_name", "short"),
    _label("shanghai", "项目名称", "project_name", "short"),
    _label("shanghai", "项目类别", "project_category", "short"),
    _label("shanghai", "计划开始日期", "planned_start", "short"),
    _label("shanghai", "计划完成日期", "planned_end", "short"),
    _label("shanghai", "是否含有政府购买服务", "includes_gov_procurement", "short"),
    _label("shanghai", "绩效类型", "performance_type", "short"),
    _label("shanghai", "项目概况", "overview", "narrative"),
    _label("shanghai", "立项依据", "basis", "narrative"),
    _label("shanghai", "项目设立的必要性", "necessity", "narrative"),
    _label("shanghai", "保证项目实施的制度、措施", "measures", "narrative"),
    _label("shanghai", "项目实施计划", "implementation_plan", "narrative"),
    _label("shanghai", "总目标及阶段性目标", "overall_goal", "narrative"),
    _label("shanghai", "本项目上年度市级财政资金使用情况", None, "heading"),
    _label("shanghai", "项目总预算", "total_budget", "money"),
    _label("shanghai", "项目当年预算", "current_year_budget", "money"),
    _label("shanghai", "同名项目上年预算额", "prior_year_budget", "money"),
    _label("shanghai", "同名项目上年预算执行数", "prior_year_executed", "money"),
)

NATIONAL_LABELS: tuple[Label, ...] = (
    _label("national", "项目名称", "project_name", "short"),
    _label("national", "主管部门", "supervising_dept", "short"),
    _label("national", "实施单位", "unit_name", "short"),
    _label("national", "项目资金", None, "heading"),
    _label("national", "年度资金总额", "total_budget", "money"),
    _label("national", "其中：财政拨款", "fiscal_appropriation", "money"),
    _label("national", "其他资金", "other_funds", "money"),
    _label("national", "年度总体目标", "overall_goal", "narrative"),
    _label("national", "绩效指标", None, "heading"),
)

LABELS: dict[Layout, tuple[Label, ...]] = {"shanghai": SHANGHAI_LABELS, "national": NATIONAL_LABELS}

#: Column headers of the indicator table, left to right: level 1, level 2, level 3, target.
TABLE_COLUMNS: dict[Layout, tuple[str, str, str, str]] = {
    "shanghai": ("一级目标", "二级目标", "三级目标", "指标目标值"),
    "national": ("一级指标", "二级指标", "三级指标", "指标值"),
}

#: Level-1 categories each layout prints, in the order the template prints them.
LEVEL1: dict[Layout, tuple[str, ...]] = {
    "shanghai": ("投入与管理", "产出目标", "效果目标", "影响力目标"),
    "national": ("产出指标", "成本指标", "效益指标", "满意度指标"),
}

#: The level-2 categories each template defines under each level 1, in the order it prints
#: them (the fixed taxonomy: inference may use it and its order, but it is not a whitelist:
#: unknown level-2 labels occur and are kept as printed).
LEVEL2: dict[Layout, dict[str, tuple[str, ...]]] = {
    "shanghai": {
        "投入与管理": ("投入管理", "财务管理", "实施管理"),
        "产出目标": ("数量", "质量", "时效", "成本"),
        "效果目标": ("社会效益", "经济效益", "生态效益", "可持续影响", "服务对象满意度"),
        "影响力目标": ("长效管理", "人力资源", "硬件条件", "信息共享", "档案管理"),
    },
    "national": {
        "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
        "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
        "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
        "满意度指标": ("服务对象满意度指标",),
    },
}

#: ``（2020年度）`` under the title; the fiscal year of the form.
YEAR_RE = re.compile(r"[（(]" + _SPACE + r"(\d{4})" + _SPACE + r"年度" + _SPACE + r"[）)]")
#: ``2020年绩效目标`` above a Shanghai indicator table.
TABLE_HEADING_RE = re.compile(r"(\d{4})" + _SPACE + r"年" + _SPACE + r"绩" + _SPACE + r"效"
                              + _SPACE + r"目" + _SPACE + r"标" + r"\s*$")
_MONEY_UNIT_RE = _SPACE + r"[（(]" + _SPACE + r"(万" + _SPACE + r"元|元)" + _SPACE + r"[）)]"


def compact(text: str) -> str:
    """NFKC with every whitespace removed: the key used to compare labels and names."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _char_class(ch: str) -> str:
    variants = {ch, unicodedata.normalize("NFKC", ch)}
    if ch in "：:":
        variants |= {"：", ":"}
    if ch in "、,，":
        variants |= {"、", ",", "，"}
    return "[" + "".join(re.escape(v) for v in sorted(variants)) + "]"


@cache
def spaced_pattern(text: str) -> str:
    """A regex source matching ``text`` with optional spaces between characters and either
    width of punctuation."""
    return _SPACE.join(_char_class(ch) for ch in text)


@cache
def _label_regex(label: Label) -> re.Pattern[str]:
    body = spaced_pattern(label.text)
    if label.kind == "money" or (label.kind == "heading" and label.text == "项目资金"):
        body += "(?:" + _MONEY_UNIT_RE + ")?"
    return re.compile(body + _SPACE + "[：:]?")


@dataclass(frozen=True, slots=True)
class LabelHit:
    """Where a label was found in a line: ``line[start:end]`` is the label and its colon."""

    label: Label
    start: int
    end: int
    money_unit: MoneyUnit | None


def _hit(label: Label, m: re.Match[str]) -> LabelHit:
    unit: MoneyUnit | None = None
    if m.lastindex:
        unit = "wan_yuan" if compact(m.group(1)) == "万元" else "yuan"
    return LabelHit(label=label, start=m.start(), end=m.end(), money_unit=unit)


def find_labels(line: str, layout: Layout) -> list[LabelHit]:
    """Every label of ``layout`` printed in ``line``, left to right, without overlaps.

    Longer labels win over labels they contain (``其中：财政拨款`` over nothing shorter, and
    ``同名项目上年预算执行数`` over ``同名项目上年预算额`` never collide)."""
    hits: list[LabelHit] = []
    for label in sorted(LABELS[layout], key=lambda lb: -len(lb.text)):
        for m in _label_regex(label).finditer(line):
            if any(m.start() < h.end and h.start < m.end() for h in hits):
                continue
            hits.append(_hit(label, m))
    return sorted(hits, key=lambda h: h.start)


def label_at_start(line: str, layout: Layout) -> LabelHit | None:
    """The label that opens ``line`` (after indentation), if any."""
    stripped = len(line) - len(line.lstrip(" \u3000\t"))
    for hit in find_labels(line, layout):
        if hit.start == stripped:
            return hit
    return None


def find_title(line: str) -> Layout | None:
    """Which layout's title ``line`` is, if it is one (the Shanghai title contains the
    national one, so it is tried first)."""
    key = compact(line)
    if key == SHANGHAI_TITLE:
        return "shanghai"
    if key == NATIONAL_TITLE:
        return "national"
    return None


def find_year(line: str) -> int | None:
    m = YEAR_RE.search(line)
    return int(m.group(1)) if m else None


def is_level1(text: str, layout: Layout) -> bool:
    return compact(text) in LEVEL1[layout]


def is_known_level2(text: str, layout: Layout) -> bool:
    key = compact(text)
    return any(key in names for names in LEVEL2[layout].values())


def column_header_index(text: str, layout: Layout) -> int | None:
    """0..3 when ``text`` is one of the indicator table's column headers."""
    key = compact(text)
    for i, name in enumerate(TABLE_COLUMNS[layout]):
        if key == name:
            return i
    return None


def default_money_unit(layout: Layout) -> MoneyUnit:
    return "wan_yuan" if layout == "national" else "yuan"


_FOOTER_RE = re.compile(
    r"(?:-\s*\d{1,4}\s*-"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，/]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)"
)


def is_page_footer(line: str) -> bool:
    """A page number printed as a footer (``- 3 -``, ``第 3 页 共 9 页``, ``3/9``): page
    furniture, never content. Every extractor drops these lines."""
    s = unicodedata.normalize("NFKC", line).replace("—", "-").replace("–", "-").strip()
    return _FOOTER_RE.fullmatch(s) is not None
