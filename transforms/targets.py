"""Normalising a target cell (``>=85%``, ``不超过10天``, ``80%~90%``, ``合理``) per the contract.

``normalise_target`` is total: it never raises, whatever the string. A cell that is not an
operator + number (+ unit), a bare number (+ unit) or a range is qualitative and comes back
as ``text``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

Operator = str  # one of "=", ">=", "<=", ">", "<", "range"

#: Printed operator words and signs, longest first, to the contract's operator.
_PREFIX_OPERATORS: tuple[tuple[str, str], ...] = (
    ("大于或等于", ">="), ("大于等于", ">="), ("小于或等于", "<="), ("小于等于", "<="),
    ("不低于", ">="), ("不少于", ">="), ("不小于", ">="), ("至少", ">="),
    ("不超过", "<="), ("不高于", "<="), ("不多于", "<="), ("不大于", "<="), ("至多", "<="),
    ("高于", ">"), ("大于", ">"), ("超过", ">"), ("多于", ">"),
    ("低于", "<"), ("小于", "<"), ("少于", "<"),
    ("等于", "="), ("达到", "="),
    (">=", ">="), ("=>", ">="), ("<=", "<="), ("=<", "<="), ("≥", ">="), ("≧", ">="),
    ("≤", "<="), ("≦", "<="), ("==", "="), (">", ">"), ("<", "<"), ("=", "="),
)
#: ``85%以上`` / ``10天以内``: an operator printed after the number.
_SUFFIX_OPERATORS: tuple[tuple[str, str], ...] = (
    ("及以上", ">="), ("以上", ">="), ("及以下", "<="), ("以下", "<="), ("以内", "<="),
)
_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?|\.\d+"
_UNIT = r"[^\d\s<>=~～\-–—至到]{0,12}"
_SINGLE_RE = re.compile(rf"^(?P<num>{_NUMBER})(?P<unit>{_UNIT})$")
_RANGE_RE = re.compile(
    rf"^(?P<lo>{_NUMBER})(?P<lo_unit>{_UNIT})(?:-|~|–|—|－|至|到)(?P<hi>{_NUMBER})(?P<unit>{_UNIT})$"
)


@dataclass(frozen=True, slots=True)
class Target:
    """A target cell in the contract's five columns."""

    operator: Operator | None
    value: Decimal | None
    value_high: Decimal | None
    unit: str | None
    text: str | None


def _decimal(number: str) -> Decimal | None:
    try:
        return Decimal(number.replace(",", ""))
    except InvalidOperation:
        return None


def _clean(raw: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw))


def _split_operator(cell: str) -> tuple[str | None, str]:
    for word, op in _PREFIX_OPERATORS:
        if cell.startswith(word):
            return op, cell[len(word):]
    for word, op in _SUFFIX_OPERATORS:
        if cell.endswith(word):
            return op, cell[: -len(word)]
    return None, cell


def _qualitative(raw: str) -> Target:
    text = raw.strip()
    return Target(None, None, None, None, text or None)


def normalise_target(raw: str) -> Target:
    """The contract's operator/value/high/unit/text for a printed target cell."""
    cell = _clean(raw)
    if not cell:
        return Target(None, None, None, None, None)
    op, rest = _split_operator(cell)
    if op is None:
        m = _RANGE_RE.match(rest)
        if m and m["lo_unit"] in ("", m["unit"]):
            lo, hi = _decimal(m["lo"]), _decimal(m["hi"])
            if lo is not None and hi is not None:
                return Target("range", lo, hi, m["unit"] or None, None)
    m = _SINGLE_RE.match(rest)
    if m is None:
        return _qualitative(raw)
    value = _decimal(m["num"])
    if value is None:
        return _qualitative(raw)
    return Target(op or "=", value, None, m["unit"] or None, None)
