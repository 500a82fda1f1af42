"""Typed values from printed strings: money, dates, yes/no, the fiscal year.

Each parser returns ``None`` for a blank value and raises ``ValueError`` naming the
offending string for one it cannot read, so the caller can quarantine with a reason.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from extractors.model import MoneyUnit
from extractors.vocabulary import BOX_LIKE_RE, TICKED, UNTICKED
from transforms.text import key

_WAN = Decimal(10000)
_MONEY_RE = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_DATE_RE = re.compile(r"^(\d{4})(?:[-/.年])(\d{1,2})(?:[-/.月])(\d{1,2})日?$")
MIN_YEAR, MAX_YEAR = 1990, 2100


def parse_money(raw: str | None, unit: MoneyUnit) -> Decimal | None:
    """Printed money in yuan: ``180,000`` (元) → 180000, ``18.00`` (万元) → 180000; a unit
    printed with the figure (``239万``, ``2840.09万元``) wins over the form's."""
    text = key(raw).replace("，", ",")
    if text.endswith(("万元", "万")):
        text, unit = text.removesuffix("元").removesuffix("万"), "wan_yuan"
    elif text.endswith("元"):
        text, unit = text.removesuffix("元"), "yuan"
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


_MARKS = "".join(sorted(TICKED | UNTICKED))
_OPTION_AFTER = re.compile(rf"([^\s{_MARKS}:：]+)\s*([{_MARKS}])")
_OPTION_BEFORE = re.compile(rf"([{_MARKS}])\s*([^\s{_MARKS}:：]+)")


def ticked_option(raw: str | None) -> str | None:
    """``新增□ 延续√`` → ``延续``; ``☑新增 □延续`` → ``新增``; a value printed without boxes
    (``常年项目``) as it is. No box ticked, or several, is not a choice: ``None`` / the text."""
    text = (raw or "").strip()
    if not text:
        return None
    if not any(ch in UNTICKED or (ch in TICKED and ch != "R") for ch in text):
        return text
    if not any(ch in UNTICKED for ch in text):
        text = BOX_LIKE_RE.sub("□", text)  # 口 printed for the empty box
    before = text[0] in TICKED | UNTICKED
    pairs = ([(label, mark) for mark, label in _OPTION_BEFORE.findall(text)] if before
             else _OPTION_AFTER.findall(text))
    ticked = [label for label, mark in pairs if mark in TICKED]
    if len(ticked) == 1:
        return str(ticked[0])
    return None if not ticked else text


_YMD = r"(\d{4})\s*[年.\-/]\s*(\d{1,2})(?:\s*[月.\-/]\s*(\d{1,2})\s*日?|\s*月)?"
_MD = r"(?:(\d{4})\s*[年.\-/]\s*)?(\d{1,2})(?:\s*[月.\-/]\s*(\d{1,2})\s*日?|\s*月)?"
_PERIOD_RE = re.compile(rf"^{_YMD}\s*(?:至|到|-|—|–|~|～)+\s*{_MD}$")
#: ``20210101-20211231`` / ``202601-202612``: dates or months printed as digits only
_COMPACT_PERIOD_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})?\s*(?:至|到|-|—|–|~|～)+\s*"
                                r"(\d{4})(\d{2})(\d{2})?$")


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def parse_period_dates(raw: str | None) -> tuple[dt.date, dt.date] | None:
    """A 项目期 printed as a date range (``2023年1月至12月``, ``2023-01-01至2023-12-31``,
    ``2023.1-2024.6``, ``20230101-20231231``) → its first and last day; ``None`` for anything
    else (``3年``)."""
    text = (raw or "").strip()
    m = _COMPACT_PERIOD_RE.match(text) or _PERIOD_RE.match(text)
    return _range_dates(*m.groups()) if m is not None else None


def _range_dates(y1: str, m1: str, d1: str | None, y2: str | None, m2: str,
                 d2: str | None) -> tuple[dt.date, dt.date] | None:
    try:
        start = dt.date(int(y1), int(m1), int(d1) if d1 else 1)
        end_year = int(y2) if y2 else int(y1)
        end = (dt.date(end_year, int(m2), int(d2)) if d2 else _month_end(end_year, int(m2)))
    except ValueError:
        return None
    return (start, end) if start <= end else None


_WEIGHT_RE = re.compile(r"^(\d+(?:\.\d+)?)(?:%|分)?$")


def parse_weight(raw: str | None) -> float | None:
    """分值 / 权重 of a row: ``10``, ``10%``, ``10分`` → 10; anything else → ``None``."""
    m = _WEIGHT_RE.match(key(raw))
    return float(m[1]) if m else None
