"""Layout profiles: what a template prints, as data (one TOML file per template).

A profile states what a template prints by definition: its title(s), the money unit its
amounts are in when no label says, its header labels (each with the canonical field of
:data:`extractors.model.HEADER_FIELDS` its value fills, or none for a heading), the headings
of its indicator table and the role of each column, and the fixed level-1/level-2 taxonomy
in the order the template prints it. Never words of sample content.

This module is the only place that reads profile files; :mod:`extractors.vocabulary` builds its
vocabulary from :func:`shipped_profiles`. Every file is validated when it is loaded: an
unknown key, canonical field, kind, role or period, an empty list or taxonomy, or a label or
heading given twice raises a :class:`ValueError` naming the file, the key and the bad value.

Schema (``schema = 1``; every key not marked optional is required)::

    schema = 1
    name = "shanghai"                 # layout id: [a-z][a-z0-9_]*, the file's stem
    description = "…"                 # optional
    titles = ["财政项目支出绩效目标表"]   # printed titles, compared without spaces (NFKC)
    title_patterns = ["…"]            # optional: regexes a whole title line may match
                                      # (compacted, year removed) when no title is exact
    [refused_titles]                  # optional: a quarantine reason → title regexes of
    self_evaluation_table = ["…"]     # tables of the family that are no target tables
    money_unit = "yuan"               # yuan | wan_yuan: when no label prints （元）/（万元）
    annual_budget = ["current_year_budget"]  # optional: the money fields that hold the
                                      # fiscal year's budget, preferred first (the
                                      # warehouse's annual_budget_yuan); default as shown
    personal_data_words = ["电话"]     # optional: a printed label or column heading holding
                                      # one of these words holds personal data: never kept
    sign_off_labels = ["审核意见"]      # optional: labels of the sign-off rows printed under
                                      # the indicator table (a line holding one ends it)

    [[labels]]                        # header labels, in print order (at least one)
    text = "项目名称"
    field = "project_name"            # a HEADER_FIELDS name; omitted for the kinds heading,
                                      # extra (value kept in extra_fields under the label)
                                      # and personal (a name or phone number: never kept)
    kind = "short"                    # short | narrative | money | heading | extra | personal
    synonyms = ["项目支出名称"]         # optional: other printed spellings of the label
    unit_suffix = true                # optional: a printed （万元）/（元） may follow
                                      # (always allowed after kind = "money")
    fallback = true                   # optional: fills its field only when no other label
                                      # of the field is printed; else its value is kept in
                                      # extra_fields under the label as printed

    [indicators]
    period = "annual"                 # optional: rows under no block heading or marker
    [indicators.columns]              # printed heading → role; several headings may share a
    "一级指标" = "level1"              # role (synonyms), the first of a role is the template's
    "三级指标" = "level3"              # own; level3 and target are required; a heading not
    "指标值" = "target"                # listed is kept under the row's extra
    [indicators.blocks]               # optional: a heading printed above a table → the
    "长期绩效指标" = "long_term"        # period of its rows
    [indicators.period_markers]       # optional: a marker printed after a column heading,
    "长期" = "long_term"               # 指标值（长期） → that column block's period

    [levels]
    level1 = ["产出指标", "效益指标"]    # in template order, non-empty
    [levels.level2]                   # level-1 name → its level-2 names, in template order
    "产出指标" = ["数量指标", "质量指标"]

Roles: level1, level2, level3, target, operator (指标性质 / 指标方向), unit (计量单位),
weight (分值 / 权重), remarks (备注), explanation (指标说明 / 绩效标准), extra.
Periods: annual, long_term, mid_term.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast, get_args

from extractors.errors import Reason
from extractors.model import HEADER_FIELDS, MoneyUnit, Period

LabelKind = Literal["short", "narrative", "money", "heading", "extra", "personal"]
#: Kinds of label that fill no canonical field: a heading has no value; an ``extra`` label's
#: value is kept in ``extra_fields`` under the label as printed; a ``personal`` label's value
#: (a name, a phone number) is never kept.
FIELDLESS_KINDS: tuple[str, ...] = ("heading", "extra", "personal")
Role = Literal[
    "level1", "level2", "level3", "target",
    "operator", "unit", "weight", "remarks", "explanation", "extra",
]

SCHEMA_VERSION = 1
PROFILE_DIR = Path(__file__).resolve().parent

KINDS: tuple[str, ...] = get_args(LabelKind)
ROLES: tuple[str, ...] = get_args(Role)
PERIODS: tuple[str, ...] = get_args(Period)
MONEY_UNITS: tuple[str, ...] = get_args(MoneyUnit)
#: Reasons a profile may give for a refused title (each is a quarantine reason code).
REFUSAL_REASONS: tuple[Reason, ...] = (Reason.SELF_EVALUATION_TABLE,)
#: The roles every indicator table needs (the level-3 name and its target value).
REQUIRED_ROLES: tuple[Role, ...] = ("level3", "target")

_NAME_RE = re.compile(r"[a-z][a-z0-9_]*")


def compact(text: str) -> str:
    """NFKC with every whitespace removed: the key used to compare labels and names."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True, slots=True)
class LabelSpec:
    """A printed header label: the canonical field its value fills (``None``: a heading)."""

    text: str
    field: str | None
    kind: LabelKind
    synonyms: tuple[str, ...] = ()
    #: A printed money unit （万元）/（元） may follow the label (always so for money labels).
    unit_suffix: bool = False
    #: Fills its field only when no other label of the field is printed (else extra_fields)
    fallback: bool = False

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.text, *self.synonyms)


@dataclass(frozen=True, slots=True)
class Column:
    """A printed column heading of the indicator table and the role of its cells."""

    heading: str
    role: Role


@dataclass(frozen=True, slots=True)
class IndicatorTable:
    columns: tuple[Column, ...]
    #: The period of rows printed under no block heading and no period marker.
    period: Period = "annual"
    #: Block headings printed above a table (长期绩效指标) → the period of its rows.
    blocks: tuple[tuple[str, Period], ...] = ()
    #: Markers printed after a column heading (指标值（长期）) → that column's period.
    period_markers: tuple[tuple[str, Period], ...] = ()

    def headings(self, role: Role) -> tuple[str, ...]:
        """Every heading of ``role``, the template's own first."""
        return tuple(c.heading for c in self.columns if c.role == role)


@dataclass(frozen=True, slots=True)
class Profile:
    """One template's printed vocabulary, as loaded from ``source``."""

    name: str
    source: str
    titles: tuple[str, ...]
    money_unit: MoneyUnit
    labels: tuple[LabelSpec, ...]
    indicators: IndicatorTable
    level1: tuple[str, ...]
    #: Level-1 name → its level-2 names, both in template order.
    level2: tuple[tuple[str, tuple[str, ...]], ...]
    description: str = ""
    #: Regexes a whole (compacted) title line may match when no title is exact
    title_patterns: tuple[re.Pattern[str], ...] = ()
    #: Quarantine reason → regexes of titles of tables that are not target tables
    refused_titles: tuple[tuple[Reason, tuple[re.Pattern[str], ...]], ...] = ()
    #: Words marking a printed label or column heading as personal data (never kept)
    personal_data_words: tuple[str, ...] = ()
    #: Labels of the sign-off rows under the indicator table
    sign_off_labels: tuple[str, ...] = ()
    #: The money fields holding the fiscal year's budget, preferred first
    annual_budget: tuple[str, ...] = ("current_year_budget",)

    def level2_map(self) -> dict[str, tuple[str, ...]]:
        return dict(self.level2)


class _Checker:
    """Validation helpers that name the file and the key in every error."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str, value: object) -> ValueError:
        return ValueError(f"{self.source}: {key}: {problem}: {value!r}")

    def keys(self, table: Mapping[str, Any], key: str, required: Iterable[str],
             optional: Iterable[str] = ()) -> None:
        required = tuple(required)
        allowed = set(required) | set(optional)
        where = f"{key}." if key else ""
        for k in table:
            if k not in allowed:
                raise self.fail(f"{where}{k}", f"unknown key (expected one of {sorted(allowed)})",
                                k)
        for k in required:
            if k not in table:
                raise self.fail(f"{where}{k}", "missing required key", k)

    def table(self, value: object, key: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, "expected a table", value)
        return cast(Mapping[str, Any], value)

    def text(self, value: object, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "expected a non-empty string", value)
        if re.search(r"\s", value):
            raise self.fail(key, "printed text is written without spaces", value)
        return value

    def texts(self, value: object, key: str, *, empty_ok: bool = False) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(key, "expected a list of strings", value)
        if not value and not empty_ok:
            raise self.fail(key, "must not be empty", value)
        out = tuple(self.text(v, f"{key}[{i}]") for i, v in enumerate(value))
        self.unique(((f"{key}[{i}]", v) for i, v in enumerate(out)))
        return out

    def unique(self, items: Iterable[tuple[str, str]]) -> None:
        """``(key, text)`` pairs whose texts must differ once compacted."""
        seen: dict[str, str] = {}
        for key, text in items:
            k = compact(text)
            if k in seen:
                raise self.fail(key, f"duplicate of {seen[k]}", text)
            seen[k] = key

    def choice(self, value: object, key: str, allowed: tuple[str, ...], what: str,
               expected: str | None = None) -> str:
        if not isinstance(value, str) or value not in allowed:
            expected = expected or f"one of {list(allowed)}"
            raise self.fail(key, f"unknown {what} (expected {expected})", value)
        return value


def _labels(c: _Checker, value: object) -> tuple[LabelSpec, ...]:
    if not isinstance(value, list) or not value:
        raise c.fail("labels", "expected a non-empty array of tables [[labels]]", value)
    out: list[LabelSpec] = []
    for i, raw in enumerate(value):
        key = f"labels[{i}]"
        t = c.table(raw, key)
        c.keys(t, key, ("text", "kind"), ("field", "synonyms", "unit_suffix", "fallback"))
        text = c.text(t["text"], f"{key}.text")
        kind = cast(LabelKind, c.choice(t["kind"], f"{key}.kind", KINDS, "kind"))
        field: str | None = None
        if kind in FIELDLESS_KINDS:
            if "field" in t:
                raise c.fail(f"{key}.field", f"a label of kind {kind!r} fills no field",
                             t["field"])
        elif "field" not in t:
            raise c.fail(f"{key}.field", f"missing required key for kind {kind!r}", text)
        else:
            field = c.choice(t["field"], f"{key}.field", HEADER_FIELDS, "canonical field",
                             "a name of extractors.model.HEADER_FIELDS")
        synonyms = c.texts(t.get("synonyms", []), f"{key}.synonyms", empty_ok=True)
        suffix = t.get("unit_suffix", kind == "money")
        if not isinstance(suffix, bool):
            raise c.fail(f"{key}.unit_suffix", "expected true or false", suffix)
        fallback = t.get("fallback", False)
        if not isinstance(fallback, bool) or (fallback and field is None):
            raise c.fail(f"{key}.fallback", "expected true or false, on a label with a field",
                         fallback)
        out.append(LabelSpec(text=text, field=field, kind=kind, synonyms=synonyms,
                             unit_suffix=suffix or kind == "money", fallback=fallback))
    c.unique((f"labels[{i}].{'text' if j == 0 else f'synonyms[{j - 1}]'}", s)
             for i, lb in enumerate(out) for j, s in enumerate(lb.spellings))
    return tuple(out)


def _periods(c: _Checker, value: object, key: str) -> tuple[tuple[str, Period], ...]:
    t = c.table(value, key)
    out = tuple((c.text(k, f"{key}.{k}"),
                 cast(Period, c.choice(v, f"{key}.{k}", PERIODS, "period")))
                for k, v in t.items())
    c.unique((f"{key}.{k}", k) for k, _ in out)
    return out


def _indicators(c: _Checker, value: object) -> IndicatorTable:
    t = c.table(value, "indicators")
    c.keys(t, "indicators", ("columns",), ("period", "blocks", "period_markers"))
    cols = c.table(t["columns"], "indicators.columns")
    if not cols:
        raise c.fail("indicators.columns", "must not be empty", cols)
    columns = tuple(
        Column(heading=c.text(h, f"indicators.columns.{h}"),
               role=cast(Role, c.choice(r, f"indicators.columns.{h}", ROLES, "role")))
        for h, r in cols.items())
    c.unique((f"indicators.columns.{col.heading}", col.heading) for col in columns)
    for role in REQUIRED_ROLES:
        if not any(col.role == role for col in columns):
            raise c.fail("indicators.columns", f"no heading has the required role {role!r}",
                         dict(cols))
    period = cast(Period, c.choice(t.get("period", "annual"), "indicators.period", PERIODS,
                                   "period"))
    return IndicatorTable(
        columns=columns,
        period=period,
        blocks=_periods(c, t.get("blocks", {}), "indicators.blocks"),
        period_markers=_periods(c, t.get("period_markers", {}), "indicators.period_markers"),
    )


def _levels(c: _Checker, value: object) -> tuple[tuple[str, ...],
                                                  tuple[tuple[str, tuple[str, ...]], ...]]:
    t = c.table(value, "levels")
    c.keys(t, "levels", ("level1", "level2"))
    level1 = c.texts(t["level1"], "levels.level1")
    l2 = c.table(t["level2"], "levels.level2")
    if not l2:
        raise c.fail("levels.level2", "must not be empty", l2)
    level2: list[tuple[str, tuple[str, ...]]] = []
    for parent, children in l2.items():
        key = f"levels.level2.{parent}"
        if compact(parent) not in {compact(n) for n in level1}:
            raise c.fail(key, "not a level-1 name of levels.level1", parent)
        level2.append((parent, c.texts(children, key)))
    return level1, tuple(level2)


def _patterns(c: _Checker, value: object, key: str) -> tuple[re.Pattern[str], ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise c.fail(key, "expected a list of regular expressions", value)
    out = []
    for i, v in enumerate(value):
        try:
            out.append(re.compile(v))
        except re.error as exc:
            raise c.fail(f"{key}[{i}]", f"not a regular expression ({exc})", v) from exc
    return tuple(out)


def _refused(c: _Checker, value: object) -> tuple[tuple[Reason, tuple[re.Pattern[str], ...]],
                                                 ...]:
    t = c.table(value, "refused_titles")
    return tuple((Reason(c.choice(k, f"refused_titles.{k}", REFUSAL_REASONS, "reason")),
                  _patterns(c, v, f"refused_titles.{k}")) for k, v in t.items())


def parse_profile(data: Mapping[str, Any], source: str) -> Profile:
    """A validated :class:`Profile` from parsed TOML; errors name ``source``."""
    c = _Checker(source)
    c.keys(data, "", ("schema", "name", "titles", "money_unit", "labels", "indicators",
                      "levels"), ("description", "title_patterns", "refused_titles",
                                   "personal_data_words", "sign_off_labels",
                                   "annual_budget"))
    if data["schema"] != SCHEMA_VERSION or isinstance(data["schema"], bool):
        raise c.fail("schema", f"unsupported schema version (expected {SCHEMA_VERSION})",
                     data["schema"])
    name = data["name"]
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
        raise c.fail("name", "expected a layout id matching [a-z][a-z0-9_]*", name)
    description = data.get("description", "")
    if not isinstance(description, str):
        raise c.fail("description", "expected a string", description)
    level1, level2 = _levels(c, data["levels"])
    labels = _labels(c, data["labels"])
    return Profile(
        name=name,
        source=source,
        titles=c.texts(data["titles"], "titles"),
        money_unit=cast(MoneyUnit, c.choice(data["money_unit"], "money_unit", MONEY_UNITS,
                                            "money unit")),
        labels=labels,
        indicators=_indicators(c, data["indicators"]),
        level1=level1,
        level2=level2,
        description=description,
        title_patterns=_patterns(c, data.get("title_patterns", []), "title_patterns"),
        refused_titles=_refused(c, data.get("refused_titles", {})),
        personal_data_words=(c.texts(data["personal_data_words"], "personal_data_words")
                             if "personal_data_words" in data else ()),
        sign_off_labels=(c.texts(data["sign_off_labels"], "sign_off_labels")
                         if "sign_off_labels" in data else ()),
        annual_budget=(_annual_budget(c, data["annual_budget"], labels)
                       if "annual_budget" in data else ("current_year_budget",)),
    )


def _annual_budget(c: _Checker, value: object, labels: tuple[LabelSpec, ...]
                   ) -> tuple[str, ...]:
    """Money fields that one of the profile's own money labels fills."""
    money = {label.field for label in labels if label.kind == "money"}
    names = c.texts(value, "annual_budget")
    for i, name in enumerate(names):
        if name not in money:
            raise c.fail(f"annual_budget[{i}]", f"not a money field of this profile's labels "
                         f"(one of {sorted(f for f in money if f)})", name)
    return names


def load_profile(path: Path) -> Profile:
    """Read and validate one profile file (not cached: see :func:`shipped_profiles`)."""
    source = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{source}: not valid TOML: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{source}: cannot be read: {exc}") from exc
    profile = parse_profile(data, source)
    if profile.name != path.stem:
        raise ValueError(f"{source}: name: must be the file's stem {path.stem!r}: "
                         f"{profile.name!r}")
    return profile


def check_family(profiles: Iterable[Profile]) -> tuple[Profile, ...]:
    """Profiles that can be told apart: no layout id and no title in two of them."""
    out = tuple(profiles)
    names: dict[str, str] = {}
    titles: dict[str, str] = {}
    for p in out:
        if p.name in names:
            raise ValueError(f"{p.source}: name: also the name of {names[p.name]}: {p.name!r}")
        names[p.name] = p.source
        for i, title in enumerate(p.titles):
            k = compact(title)
            if k in titles:
                raise ValueError(f"{p.source}: titles[{i}]: also a title of {titles[k]}: "
                                 f"{title!r}")
            titles[k] = p.source
    return out


def load_profiles(directory: Path) -> tuple[Profile, ...]:
    """Every ``*.toml`` profile of ``directory``, by file name, checked as a family."""
    return check_family(load_profile(p) for p in sorted(directory.glob("*.toml")))


@cache
def shipped_profiles() -> Mapping[str, Profile]:
    """The profiles shipped in this package, by layout id (read once per process)."""
    return MappingProxyType({p.name: p for p in load_profiles(PROFILE_DIR)})
