"""What the two published layouts print: titles, header labels, table columns, level taxonomies.

This is the one place extractors ask for the forms' vocabulary; none carries its own strings.
The vocabulary itself is data: one profile per template (``extractors/profiles/*.toml``, read
and validated by :mod:`extractors.profiles`), from which the names below are built. It holds
only what a template prints by definition (titles, labels, column headings, the fixed
level-1/level-2 taxonomies), never words of sample content: no level-3 names, no category
words for parsing or tie-breaking. What is print syntax rather than vocabulary (years, money
units in brackets, page footers) stays here as regexes.

Matching is tolerant of what the wild does to labels: half-width or full-width punctuation,
spaces between the characters of a distributed label (``项 目 名 称：``), a missing colon.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import get_args

from extractors.errors import Reason
from extractors.model import Layout, MoneyUnit, Period
from extractors.profiles import LabelKind as LabelKind
from extractors.profiles import LabelSpec, Profile, Role, shipped_profiles
from extractors.profiles import compact as compact

_SPACE = "[ \u3000\u00a0\t]*"


def _profiles() -> dict[Layout, Profile]:
    loaded = shipped_profiles()
    layouts: tuple[Layout, ...] = get_args(Layout)
    if set(loaded) != set(layouts):
        raise RuntimeError(f"the shipped profiles {sorted(loaded)} are not the layouts of the "
                           f"output model {sorted(layouts)}")
    return {layout: loaded[layout] for layout in layouts}


#: The shipped profile of each layout (``extractors/profiles/<layout>.toml``).
PROFILES: dict[Layout, Profile] = _profiles()


#: A printed header label and the canonical field its value fills: the profile's own
#: :class:`~extractors.profiles.LabelSpec` (one class, read where it is defined).
Label = LabelSpec

LABELS: dict[Layout, tuple[Label, ...]] = {
    layout: profile.labels for layout, profile in PROFILES.items()}
SHANGHAI_LABELS: tuple[Label, ...] = LABELS["shanghai"]
NATIONAL_LABELS: tuple[Label, ...] = LABELS["national"]

#: The printed titles of each layout (compared with :func:`compact`).
TITLES: dict[Layout, tuple[str, ...]] = {lay: p.titles for lay, p in PROFILES.items()}
SHANGHAI_TITLE = TITLES["shanghai"][0]
NATIONAL_TITLE = TITLES["national"][0]

#: Money unit of each layout's amounts when no label prints one.
MONEY_UNITS: dict[Layout, MoneyUnit] = {lay: p.money_unit for lay, p in PROFILES.items()}

_TABLE_ROLES: tuple[Role, ...] = ("level1", "level2", "level3", "target")


def _table_columns(profile: Profile) -> tuple[str, str, str, str]:
    own = [profile.indicators.headings(role) for role in _TABLE_ROLES]
    if not all(own):
        raise RuntimeError(f"{profile.source}: indicators.columns: the readers need a heading "
                           f"for each of {list(_TABLE_ROLES)}")
    return own[0][0], own[1][0], own[2][0], own[3][0]


#: Column headers of the indicator table, left to right: level 1, level 2, level 3, target
#: (each role's first heading in its profile: the template's own).
TABLE_COLUMNS: dict[Layout, tuple[str, str, str, str]] = {
    lay: _table_columns(p) for lay, p in PROFILES.items()
}
#: Every printed heading (synonyms included) of those four columns → its index 0..3.
_COLUMN_INDEX: dict[Layout, dict[str, int]] = {
    lay: {compact(col.heading): _TABLE_ROLES.index(col.role) for col in p.indicators.columns
          if col.role in _TABLE_ROLES}
    for lay, p in PROFILES.items()
}

#: Level-1 categories each layout prints, in the order the template prints them.
LEVEL1: dict[Layout, tuple[str, ...]] = {lay: p.level1 for lay, p in PROFILES.items()}

#: The level-2 categories each template defines under each level 1, in the order it prints
#: them (the fixed taxonomy: inference may use it and its order, but it is not a whitelist:
#: unknown level-2 labels occur and are kept as printed).
LEVEL2: dict[Layout, dict[str, tuple[str, ...]]] = {
    lay: p.level2_map() for lay, p in PROFILES.items()
}

#: ``（2020年度）`` under the title; the fiscal year of the form.
YEAR_RE = re.compile(r"[（(]" + _SPACE + r"(\d{4})" + _SPACE + r"年度" + _SPACE + r"[）)]")
#: A line that is only the fiscal year, a bracket of ``（2020年度）`` possibly missing
#: (``2020年度)``, ``2020年度``).
YEAR_LINE_RE = re.compile(r"\s*[（(]?" + _SPACE + r"(\d{4})" + _SPACE + r"年" + _SPACE + r"度"
                          + _SPACE + r"[）)]?\s*")
#: ``2020年绩效目标`` above a Shanghai indicator table.
TABLE_HEADING_RE = re.compile(r"(\d{4})" + _SPACE + r"年" + _SPACE + r"绩" + _SPACE + r"效"
                              + _SPACE + r"目" + _SPACE + r"标" + r"\s*$")
_MONEY_UNIT_RE = (_SPACE + r"[（(]" + _SPACE + r"(万" + _SPACE + r"元|元)" + _SPACE
                  + r"(?:[）)]|$)")


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
def _label_regex(spelling: str, unit_suffix: bool) -> re.Pattern[str]:
    body = spaced_pattern(spelling)
    if unit_suffix:
        body += "(?:" + _MONEY_UNIT_RE + ")?"
    return re.compile(body + _SPACE + "[：:]?")


@cache
def _spellings(layout: Layout) -> tuple[tuple[Label, str], ...]:
    """Every (label, spelling) of ``layout``, longest spelling first."""
    pairs = [(lb, s) for lb in LABELS[layout] for s in lb.spellings]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[1])))


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
    for label, spelling in _spellings(layout):
        for m in _label_regex(spelling, label.unit_suffix).finditer(line):
            if any(m.start() < h.end and h.start < m.end() for h in hits):
                continue
            hits.append(_hit(label, m))
    return sorted(hits, key=lambda h: h.start)


#: A bracketed note printed right after a label (``中期目标（2023—2025年）``): part of the
#: label, not its value.
LABEL_NOTE_RE = re.compile(r"[（(][^（()）]{1,20}[）)]")

#: The longest text read as a label the profiles do not know: as long as the longest label
#: they do know (longer text is a value).
_MAX_LABEL = max(len(compact(text)) for labels in LABELS.values() for label in labels
                 for text in label.spellings)
_SENTENCE = re.compile(r"[。；;！？!?，,、]")


def unknown_label(text: str) -> str | None:
    """The label of a cell or a ``…：`` run that reads as a label the profile does not know:
    short text, not a sentence, not a number; the colon removed. ``None`` when it reads as a
    value. (What such a label prints is kept in ``extra_fields`` under this text.)"""
    flat = compact(text).rstrip("：:")
    if not flat or len(flat) > _MAX_LABEL or _SENTENCE.search(flat):
        return None
    if not any(ch.isalpha() for ch in flat) or any(ch.isdigit() for ch in flat):
        return None
    return flat


def label_at_start(line: str, layout: Layout) -> LabelHit | None:
    """The label that opens ``line`` (after indentation), if any."""
    stripped = len(line) - len(line.lstrip(" \u3000\t"))
    for hit in find_labels(line, layout):
        if hit.start == stripped:
            return hit
    return None


_TITLE_INDEX: dict[str, Layout] = {
    compact(title): lay for lay, titles in TITLES.items() for title in titles
}


#: The longest line read as a title by a profile's title patterns, and the longest prefix
#: (a place, a year, a budget kind) printed before a title; a prefix is no sentence.
_TITLE_MAX = 40
_PREFIX_MAX = 20
_PUNCTUATION = re.compile(r"[，。、；：,.;:！？!?“”\"]")


_YEAR_LEAD_RE = re.compile(r"^\d{4}年度?")


def _title_key(line: str) -> str:
    """A title line compacted, a fiscal year printed on it (``（2022年度）`` after the title,
    ``2022年度`` before it) removed."""
    return _YEAR_LEAD_RE.sub("", compact(YEAR_RE.sub("", line)))


def find_title(line: str) -> Layout | None:
    """Which layout's title ``line`` is, if it is one: a printed title exactly (the whole
    line, spaces aside: the Shanghai title contains the national one), else the longest
    printed title the line ends with, else a title pattern of a profile matching the whole
    line (lines longer than a title can be are never titles)."""
    key = _title_key(line)
    found = _TITLE_INDEX.get(key)
    if found is not None or len(key) > _TITLE_MAX:
        return found
    ends = [(len(t), lay) for t, lay in _TITLE_INDEX.items()
            if key.endswith(t) and len(key) - len(t) <= _PREFIX_MAX
            and not _PUNCTUATION.search(key[:len(key) - len(t)])]
    if ends:  # a place or a budget kind printed before a title: 上海市财政项目支出绩效目标表
        return max(ends)[1]
    for lay, profile in PROFILES.items():
        if any(p.fullmatch(key) for p in profile.title_patterns):
            return lay
    return None


def refused_title(line: str) -> Reason | None:
    """The quarantine reason when ``line`` is the title of a table the family prints that is
    no target table (a self-evaluation table), else ``None``."""
    key = _title_key(line)
    if len(key) > _TITLE_MAX:
        return None
    for profile in PROFILES.values():
        for reason, patterns in profile.refused_titles:
            if any(p.fullmatch(key) for p in patterns):
                return reason
    return None


def find_year(line: str) -> int | None:
    m = YEAR_RE.search(line)
    return int(m.group(1)) if m else None


_YEAR_BEFORE_TITLE = re.compile(r"^\s*(\d{4})" + _SPACE + "年")


def title_year(line: str) -> int | None:
    """The fiscal year printed on a title line: ``（2022年度）`` after the title or ``2022年``
    / ``2022年度`` before it (``2023年项目支出绩效目标申报表``)."""
    year = find_year(line)
    if year is not None:
        return year
    m = _YEAR_BEFORE_TITLE.match(line)
    return int(m.group(1)) if m else None


def find_year_line(line: str) -> int | None:
    """The year when ``line`` is nothing but a fiscal year, its brackets unbalanced or
    missing (``2023年度)``)."""
    m = YEAR_LINE_RE.fullmatch(line)
    return int(m.group(1)) if m else None


#: Words marking a printed label or column heading as personal data (profiles'
#: ``personal_data_words``, every template's): its value is never kept (contract v2).
PERSONAL_DATA_WORDS: tuple[str, ...] = tuple(dict.fromkeys(
    w for p in PROFILES.values() for w in p.personal_data_words))


def is_personal_label(text: str) -> bool:
    """Does a printed label (``项目负责人及电话``) or column heading hold personal data?"""
    name = compact(text)
    return any(word in name for word in PERSONAL_DATA_WORDS)


def is_level1(text: str, layout: Layout) -> bool:
    return compact(text) in LEVEL1[layout]


def is_known_level2(text: str, layout: Layout) -> bool:
    key = compact(text)
    return any(key in names for names in LEVEL2[layout].values())


def is_level_fragment(text: str, layout: Layout) -> bool:
    """Is ``text`` a level-1/level-2 name of the taxonomy or a piece of one (``指标``,
    ``产出指``: what a wrapped level cell prints on one line)?"""
    key = compact(text)
    return bool(key) and any(key in name for name in _LEVEL_NAMES[layout])


#: Every level-1 and level-2 name of each layout's taxonomy.
_LEVEL_NAMES: dict[Layout, tuple[str, ...]] = {
    lay: (*LEVEL1[lay], *(n for names in LEVEL2[lay].values() for n in names))
    for lay in PROFILES}


def column_header_index(text: str, layout: Layout) -> int | None:
    """0..3 when ``text`` is one of the indicator table's column headers (level 1, level 2,
    level 3, target; any heading its profile gives that role)."""
    return _COLUMN_INDEX[layout].get(compact(text))


_ROLE_OF: dict[Layout, dict[str, Role]] = {
    lay: {compact(col.heading): col.role for col in p.indicators.columns}
    for lay, p in PROFILES.items()
}
_MARKERS: dict[Layout, dict[str, Period]] = {
    lay: {compact(m): per for m, per in p.indicators.period_markers}
    for lay, p in PROFILES.items()
}
_BLOCKS: dict[Layout, dict[str, Period]] = {
    lay: {compact(b): per for b, per in p.indicators.blocks} for lay, p in PROFILES.items()
}
_MARKED = re.compile(r"(.+?)\(([^()]+)\)")


@dataclass(frozen=True, slots=True)
class ColumnRole:
    """What a printed column heading of the indicator table is: its role and, when the heading
    is marked with a period (``指标值（中期）``), the period of its column block."""

    role: Role
    period: Period | None = None


def column_role(text: str, layout: Layout) -> ColumnRole | None:
    """The role of a printed column heading (any heading the profile lists, possibly followed
    by one of its period markers in brackets); ``None`` when it is not one."""
    key = compact(text)
    role = _ROLE_OF[layout].get(key)
    if role is not None:
        return ColumnRole(role)
    m = _MARKED.fullmatch(key)
    if m is None:
        return None
    role, period = _ROLE_OF[layout].get(m.group(1)), _MARKERS[layout].get(m.group(2))
    return ColumnRole(role, period) if role is not None and period is not None else None


def block_period(text: str, layout: Layout, *, whole: bool = False) -> Period | None:
    """The period of a block heading (``长期绩效指标`` printed beside or above a table), or of
    the start of one cut by a page break (``长期绩效``) when only one period begins so (not
    when ``whole``: a line printed on its own must be the whole heading)."""
    key = compact(text)
    if not key:
        return None
    found = _BLOCKS[layout].get(key)
    if found is not None or whole:
        return found
    periods = {per for head, per in _BLOCKS[layout].items() if head.startswith(key)}
    return periods.pop() if len(periods) == 1 else None


def caption_period(text: str, layout: Layout) -> Period | None:
    """The period of a group caption printed over a column block (``中期指标`` above 二级 /
    三级指标 / 指标值): a block heading, or text opening with a period marker and naming
    indicators (指标; ``实施期绩效目标`` is a header label, not a caption)."""
    found = block_period(text, layout)
    if found is not None:
        return found
    key = compact(text)
    markers = sorted(_MARKERS[layout].items(), key=lambda m: -len(m[0]))
    return next((per for m, per in markers
                 if key.startswith(m) and "指标" in key[len(m):]), None)


def is_block_fragment(text: str, layout: Layout) -> bool:
    """Is ``text`` a block heading or a piece of one (what a page break leaves of a tall
    vertical ``长期绩效指标`` cell)?"""
    key = compact(text)
    return bool(key) and any(key in head for head in _BLOCKS[layout])


def default_period(layout: Layout) -> Period:
    """The period of rows printed under no block heading and no period marker."""
    return PROFILES[layout].indicators.period


#: A money-unit note printed beside a form (``单位：万元``, ``金额单位：元``): print syntax.
MONEY_NOTE_RE = re.compile(r"(?:金额)?单位" + _SPACE + "[：:]" + _SPACE + r"[（(]?" + _SPACE
                           + r"(万元|元)" + _SPACE + r"[）)]?")


#: What a sign-off blank prints after its label: nothing, or where the seal goes.
_SIGN_OFF_RE = re.compile(r"[（(]?\s*(?:盖\s*章)?\s*[）)]?")


def is_sign_off_blank(value: str) -> bool:
    """Is a label's value a sign-off blank (``填报单位：（盖章）``), not a value?"""
    return _SIGN_OFF_RE.fullmatch(compact(value)) is not None


#: The seal and date blanks of the sign-off rows printed under a table
#: (``主管部门审核意见  （盖章）  年 月 日``).
_SIGN_OFF_MARK_RE = re.compile(r"[（(]\s*盖\s*章\s*[）)]|(?<!\d)年\s+月\s+日")


#: Labels of the sign-off rows (profiles' ``sign_off_labels``, every template's).
SIGN_OFF_LABELS: tuple[str, ...] = tuple(dict.fromkeys(
    w for p in PROFILES.values() for w in p.sign_off_labels))
_LABEL_COLON_RE = re.compile(r"(\S{1,12}?)[：:]")


def is_sign_off_line(text: str) -> bool:
    """Is a line of a table's body a sign-off row, which ends the table: a seal or date
    blank, a sign-off label (``财政部门审核意见``), or a label of personal data with its
    colon (``填表人：``, ``联系电话：``)?"""
    if _SIGN_OFF_MARK_RE.search(text) is not None:
        return True
    flat = compact(text)
    if any(label in flat for label in SIGN_OFF_LABELS):
        return True
    return any(is_personal_label(m.group(1)) for m in _LABEL_COLON_RE.finditer(flat))


def money_note(text: str) -> MoneyUnit | None:
    """The unit a money-unit note states (``单位：万元``, ``金额单位：元``)."""
    m = MONEY_NOTE_RE.fullmatch(text.strip())
    if m is None:
        return None
    return "wan_yuan" if m.group(1) == "万元" else "yuan"


def default_money_unit(layout: Layout) -> MoneyUnit:
    return MONEY_UNITS[layout]


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


#: Tick-box marks (contract v2 项目属性): a ticked and an empty box, as fonts print them
#: (``R`` is Wingdings' ☑ extracted without a Unicode map).
TICKED = frozenset("√✓✔☑■R")
UNTICKED = frozenset("□☐")
_BOXES = "".join(sorted(UNTICKED | TICKED - {"R"}))  # R is a letter too: no box by itself
_ALL_MARKS = "".join(sorted(UNTICKED | TICKED))
#: The character 口 printed for an empty box beside a ticked one (``持续性项目■ 新增性项目口``,
#: research/variants.md S16): a box only after an option's text, before a space, the end or
#: the next option and its box
BOX_LIKE_RE = re.compile(rf"(?<=[^\s{_ALL_MARKS}口]{{2}})口"
                         rf"(?=\s|$|[^\s{_ALL_MARKS}口]{{1,12}}[{_BOXES}])")
#: Options printed box after (``新增□ 延续☑``) whose last option has no box yet
_OPTION_CUT = re.compile(rf"^[^{_BOXES}\s].*[{_BOXES}]\s*[^{_BOXES}\s]+$")


def options_unfinished(text: str) -> bool:
    """Tick-box options cut at the end of a line (``新增项目□延续项目☑往`` / ``年备选□``):
    each option is printed before its box, so text after the last box is an option whose
    box, on the next line, is still to come."""
    return _OPTION_CUT.match(text.strip()) is not None
