"""Typed values from printed strings: money, dates, yes/no, the fiscal year.

Each parser returns ``None`` for a blank value and raises ``ValueError`` naming the
offending string for one it cannot read, so the caller can quarantine with a reason.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from extractors.model import MoneyUnit
from transforms.text import key

_WAN = Decimal(10000)
_MONEY_RE = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_DATE_RE = re.compile(r"^(\d{4})(?:[-/.年])(\d{1,2})(?:[-/.月])(\d{1,2})日?$")
MIN_YEAR, MAX_YEAR = 1990, 2100


def parse_money(raw: str | None, unit: MoneyUnit) -> Decimal | None:
    """Printed money in yuan: ``180,000`` (元) → 180000, ``18.00`` (万元) → 180000."""
    text = key(raw).replace("，", ",").removesuffix("万元").removesuffix("元")
    if text in ("", "-", "—", "/", "无"):
        return None
    if not _MONEY_RE.match(text):
        raise ValueError(f"money {raw!r} is not a number")
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards
        raise ValueError(f"money {raw!r} is not a number") from exc
    return value * _WAN if unit == "wan_yuan" else value


def parse_date(raw: str | None) -> dt.date | None:
    """``2020-01-01``, ``2020/1/1``, ``2020.01.01``, ``2020年1月1日``."""
    text = key(raw)
    if not text:
        return None
    m = _DATE_RE.match(text)
    if m is None:
        raise ValueError(f"date {raw!r} is not a date")
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise ValueError(f"date {raw!r} does not exist") from exc


def parse_yes_no(raw: str | None) -> bool | None:
    """是 → True, 否 → False."""
    text = key(raw)
    if not text:
        return None
    if text in ("是", "有", "Y", "y", "yes", "Yes"):
        return True
    if text in ("否", "无", "N", "n", "no", "No"):
        return False
    raise ValueError(f"yes/no {raw!r} is neither 是 nor 否")


def parse_year(raw: str | None) -> int:
    """The fiscal year; missing or outside 1990–2100 is an error (the form cannot load)."""
    text = key(raw)
    if not text:
        raise ValueError("the fiscal year (年度) is not printed")
    if not text.isdigit() or not MIN_YEAR <= int(text) <= MAX_YEAR:
        raise ValueError(f"fiscal year {raw!r} is impossible")
    return int(text)
