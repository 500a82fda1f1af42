"""Normalising a target cell (``>=85%``, ``不超过10天``, ``80%~90%``, ``合理``) per the contract.

``normalise_target`` is total: it never raises, whatever the strings. After NFKC and removing
spaces, a cell is quantitative only when it is *entirely* one of

- an operator (a sign or word printed before the number, or a suffix printed after the unit)
  + a number + a unit (up to 12 characters, no digits), the operator defaulting to ``=``;
- a range ``low[unit] - high[unit]`` (``80%-90%``, ``1-12月``);
- a symmetric tolerance ``±3%``, optionally followed by an upper-bound suffix (``±3%以内``),
  read as the range −3..3.

Anything else is qualitative and comes back as ``text`` (the cell as printed): a number inside
a sentence (``资金到位率达100%``), a date (``2025年10月底前``, ``12月底到位``), a word.

Contract v2 rows may print an operator column (指标性质 / 指标方向) and a unit column
(计量单位 / 度量单位): the operator then comes from the column (``定性`` there makes the row
qualitative), and the unit column fills in a unit the value cell does not print.

All printed knowledge (operator words, suffixes, range separators, date words) is in the
tables below; the parsing code only combines them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from transforms.text import key

Operator = str  # one of "=", ">=", "<=", ">", "<", "range"

#: Printed operator words and signs (before the number) to the contract's operator. Matched
#: longest first, after NFKC (so ``＞＝`` is already ``>=``).
_PREFIX_OPERATORS: tuple[tuple[str, Operator], ...] = (
    ("大于或等于", ">="), ("大于等于", ">="), ("小于或等于", "<="), ("小于等于", "<="),
    ("不低于", ">="), ("不少于", ">="), ("不小于", ">="), ("至少", ">="),
    ("不超过", "<="), ("不高于", "<="), ("不多于", "<="), ("不大于", "<="), ("至多", "<="),
    ("高于", ">"), ("大于", ">"), ("超过", ">"), ("多于", ">"),
    ("低于", "<"), ("小于", "<"), ("少于", "<"),
    ("等于", "="), ("达到", "="), ("大约", "="), ("约", "="),
    (">=", ">="), ("=>", ">="), ("<=", "<="), ("=<", "<="), ("≥", ">="), ("≧", ">="),
    ("≤", "<="), ("≦", "<="), ("==", "="), (">", ">"), ("<", "<"), ("=", "="),
)
#: ``85%以上`` / ``10天以内``: an operator printed after the unit.
_SUFFIX_OPERATORS: tuple[tuple[str, Operator], ...] = (
    ("及以上", ">="), ("以上", ">="), ("及以下", "<="), ("以下", "<="), ("以内", "<="),
)
#: ``±3%``: the range −n..n. Such a cell may also carry a suffix of this operator (``±3%以内``).
_SYMMETRIC_SIGNS: tuple[str, ...] = ("±", "+/-", "+-")
_SYMMETRIC_SUFFIX_OPERATOR: Operator = "<="
#: Between the two ends of a range (after NFKC: ``～`` is ``~``, ``－`` is ``-``).
_RANGE_SEPARATORS: tuple[str, ...] = ("-", "~", "–", "—", "〜", "至", "到")
#: What an operator column (指标性质 / 指标方向) prints for a qualitative row.
_QUALITATIVE_MARKS: tuple[str, ...] = ("定性",)
#: A date, not a quantity: a calendar word right after the number followed by a position in
#: that period (``12月底``, ``6月前``, ``2025年初``); ``1-12月`` or ``3个月`` stay quantities.
_CALENDAR_WORDS: tuple[str, ...] = ("年", "月", "日", "号")
_DATE_POSITIONS: tuple[str, ...] = ("上旬", "中旬", "下旬", "以前", "之前", "底", "初", "末", "前")
#: Longest unit the contract accepts.
_MAX_UNIT_LENGTH = 12


def _longest_first(pairs: tuple[tuple[str, Operator], ...]) -> tuple[tuple[str, Operator], ...]:
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


_PREFIXES = _longest_first(_PREFIX_OPERATORS)
_SUFFIXES = _longest_first(_SUFFIX_OPERATORS)
_SYMMETRIC = tuple(sorted(_SYMMETRIC_SIGNS, key=len, reverse=True))
#: An operator column cell, read whole: any printed operator word, sign or suffix.
_COLUMN_OPERATORS: dict[str, Operator] = dict(_PREFIX_OPERATORS + _SUFFIX_OPERATORS)
_DATE_STARTS = tuple(c + p for c in _CALENDAR_WORDS for p in _DATE_POSITIONS)

_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?|\.\d+"
_UNIT_FORBIDDEN = "".join(sorted({*"<>=±", *"".join(_RANGE_SEPARATORS)}))
_UNIT = rf"[^\d\s{re.escape(_UNIT_FORBIDDEN)}]{{0,{_MAX_UNIT_LENGTH}}}"
_SEPARATOR = "|".join(re.escape(s) for s in sorted(_RANGE_SEPARATORS, key=len, reverse=True))
_SINGLE_RE = re.compile(rf"(?P<num>{_NUMBER})(?P<unit>{_UNIT})")
_RANGE_RE = re.compile(
    rf"(?P<lo>{_NUMBER})(?P<lo_unit>{_UNIT})(?:{_SEPARATOR})(?P<hi>{_NUMBER})(?P<unit>{_UNIT})"
)
_UNIT_RE = re.compile(_UNIT)


@dataclass(frozen=True, slots=True)
class Target:
    """A target cell in the contract's five columns."""

    operator: Operator | None
    value: Decimal | None
    value_high: Decimal | None
    unit: str | None
    text: str | None


_EMPTY = Target(None, None, None, None, None)


def _decimal(number: str) -> Decimal | None:
    try:
        return Decimal(number.replace(",", ""))
    except InvalidOperation:
        return None


def _strip_prefix(cell: str) -> tuple[Operator | None, str]:
    for word, op in _PREFIXES:
        if cell.startswith(word):
            return op, cell[len(word):]
    return None, cell


def _strip_suffix(cell: str) -> tuple[Operator | None, str]:
    for word, op in _SUFFIXES:
        if cell.endswith(word):
            return op, cell[: -len(word)]
    return None, cell


def _strip_symmetric(cell: str) -> tuple[bool, str]:
    for sign in _SYMMETRIC:
        if cell.startswith(sign):
            return True, cell[len(sign):]
    return False, cell


def _is_date(unit: str) -> bool:
    return unit.startswith(_DATE_STARTS)


def _number_and_unit(rest: str) -> tuple[Decimal, str | None] | None:
    m = _SINGLE_RE.fullmatch(rest)
    if m is None or _is_date(m["unit"]):
        return None
    value = _decimal(m["num"])
    return None if value is None else (value, m["unit"] or None)


def _range(rest: str) -> Target | None:
    m = _RANGE_RE.fullmatch(rest)
    if m is None or m["lo_unit"] not in ("", m["unit"]) or _is_date(m["unit"]):
        return None
    lo, hi = _decimal(m["lo"]), _decimal(m["hi"])
    if lo is None or hi is None:
        return None
    return Target("range", lo, hi, m["unit"] or None, None)


def _quantity(cell: str) -> Target | None:
    """The cell's reading when it is entirely a quantity (see the module docstring), else None."""
    prefix_op, rest = _strip_prefix(cell)
    symmetric = False
    if prefix_op is None:
        symmetric, rest = _strip_symmetric(rest)
    suffix_op, rest = _strip_suffix(rest)
    if symmetric:
        if suffix_op not in (None, _SYMMETRIC_SUFFIX_OPERATOR):
            return None
        single = _number_and_unit(rest)
        return None if single is None else Target("range", -single[0], single[0], single[1], None)
    if prefix_op is not None and suffix_op is not None and prefix_op != suffix_op:
        return None
    op = prefix_op or suffix_op
    if op is None and (found := _range(rest)) is not None:
        return found
    single = _number_and_unit(rest)
    return None if single is None else Target(op or "=", single[0], None, single[1], None)


def _qualitative(raw: str) -> Target:
    text = raw.strip()
    return Target(None, None, None, None, text or None)


def _column_unit(unit_cell: str | None) -> str | None:
    unit = key(unit_cell or "")
    return unit if unit and _UNIT_RE.fullmatch(unit) else None


def normalise_target(raw: str, operator_cell: str | None = None,
                     unit_cell: str | None = None) -> Target:
    """The contract's operator/value/high/unit/text for a printed target cell.

    ``operator_cell`` is the row's operator column (指标性质 / 指标方向) and ``unit_cell`` its
    unit column (计量单位 / 度量单位), where the table prints them. An operator column that holds
    neither an operator nor a qualitative mark is ignored; so is a unit column that is not a
    unit (more than 12 characters, or digits).
    """
    cell = key(raw)
    if not cell:
        return _EMPTY
    column = key(operator_cell or "")
    if column in _QUALITATIVE_MARKS:
        return _qualitative(raw)
    target = _quantity(cell)
    if target is None:
        return _qualitative(raw)
    column_op = _COLUMN_OPERATORS.get(column)
    if column_op is not None and target.operator != "range":
        target = replace(target, operator=column_op)
    if target.unit is None and (unit := _column_unit(unit_cell)) is not None:
        target = replace(target, unit=unit)
    return target
