"""Target cells: how a target is printed, and its contract reading (CONTRACT.md).

``make_target`` prints one indicator's target in a document's house style and returns
the reading at the same time (operator, value, high, unit, text), so the truth never
depends on parsing the printed string.  ``read_cell`` is an independent reading of a
printed cell after the contract's rules, used by ``check.py`` to cross-check.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from typing import cast

from . import vocab as V

# units of rates, durations and scores: not multiplied for a multi-year block
NO_SCALE = {"分", "年", "天", "小时", "个工作日", "个百分点", "‰", "公斤"}


@dataclass
class Target:
    """a printed target cell and its reading."""

    raw: str
    op: str | None
    value: float | None
    high: float | None
    unit: str | None
    text: str | None
    op_cell: str = ""  # operator column (F3)
    unit_cell: str = ""  # unit column (F3)


@dataclass
class TargetStyle:
    """a document's habits: which signs it prints for >= and <=."""

    ge: list[str]
    le: list[str]
    eq_sign: float  # probability of printing "=" before an exact number
    suffix: float  # probability of 以上 / 以内 / 以下 suffix forms
    tilde: str  # range separator

    @classmethod
    def random(cls, rng: random.Random) -> TargetStyle:
        kind = rng.choice(["ascii", "math", "words", "mixed"])
        ge = {"ascii": [">="], "math": ["≥"], "words": ["不低于", "≥"],
              "mixed": [">=", "≥", "不低于"]}[kind]
        le = {"ascii": ["<="], "math": ["≤"], "words": ["不超过", "≤"],
              "mixed": ["<=", "≤", "不超过"]}[kind]
        return cls(ge, le, rng.choice([0.0, 0.3, 0.7]), rng.choice([0.0, 0.1, 0.2]),
                   rng.choice(["-", "-", "~", "～"]))


def fmt_num(v: float) -> str:
    """a number as printed: no trailing zeros."""
    if abs(v - round(v)) < 1e-9:
        return str(round(v))
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _pick(rng: random.Random, lo: float, hi: float) -> float:
    """a round number between lo and hi (one decimal when the bounds are decimals)."""
    if isinstance(lo, float) or isinstance(hi, float):
        return round(rng.uniform(lo, hi), 1)
    span = hi - lo
    step = 1 if span <= 20 else 5 if span <= 200 else 50 if span <= 2000 else 500
    lo_s = -(-lo // step)
    hi_s = hi // step
    return float(rng.randint(int(lo_s), int(max(lo_s, hi_s))) * step)


def _pct(rng: random.Random, lo: float, hi: float) -> float:
    if rng.random() < 0.15 and hi - lo >= 1:
        return round(rng.uniform(lo, hi - 0.5) * 2) / 2
    return float(rng.randint(int(lo), int(hi)))


def _date(rng: random.Random, arg: object, year: int) -> str:
    if arg == "start":
        return rng.choice([f"{year}年{rng.randint(2, 4)}月前启动",
                           f"{year}年{rng.randint(1, 3)}月底前"])
    return rng.choice([f"{year}年12月底前", f"{year}年{rng.choice([10, 11])}月底前完成",
                       f"{year}年11月30日前", "年内完成", "按期完成"])


def make_target(rng: random.Random, kind: str, arg: object, st: TargetStyle, year: int,
                scale: float = 1.0, budget_wan: float = 100.0) -> Target:
    """print a target of the given kind; scale multiplies counts (multi-year blocks)."""
    if kind in ("ge", "le", "eq", "approx"):
        unit, lo, hi = cast(tuple[str, float, float], arg)
        v = _pick(rng, lo, hi)
        if scale != 1.0 and kind != "le" and unit not in NO_SCALE and "/" not in unit:
            v = float(round(v * scale)) if v >= 10 else round(v * scale, 1)
        n = fmt_num(v)
        if kind == "approx":
            return Target(f"约{n}{unit}", "=", v, None, unit, None)
        if kind == "eq":
            sign = "=" if rng.random() < st.eq_sign else ""
            return Target(f"{sign}{n}{unit}", "=", v, None, unit, None)
        return _signed(rng, kind, n, v, unit, st)
    if kind == "pge":
        lo, hi = cast(tuple[float, float], arg)
        v = _pct(rng, lo, min(hi, 100))
        if v >= 100:
            return Target("=100%", "=", 100.0, None, "%", None)
        if rng.random() < 0.04:
            return Target(f">{fmt_num(v)}%", ">", v, None, "%", None)
        return _signed(rng, "ge", fmt_num(v), v, "%", st)
    if kind == "ple":
        lo, hi = cast(tuple[float, float], arg)
        v = float(rng.randint(int(lo), int(hi)))
        if rng.random() < 0.12:
            return Target(f"<{fmt_num(v)}%", "<", v, None, "%", None)
        return _signed(rng, "le", fmt_num(v), v, "%", st)
    if kind == "p100":
        return Target("=100%" if rng.random() < 0.6 else "100%", "=", 100.0, None, "%", None)
    if kind == "prange":
        lo, hi = cast(tuple[float, float], arg)
        a = float(rng.randint(int(lo), int(hi) - 3))
        b = float(rng.randint(int(a) + 2, int(hi)))
        return Target(f"{fmt_num(a)}%{st.tilde}{fmt_num(b)}%", "range", a, b, "%", None)
    if kind == "pm":
        lo, hi = cast(tuple[float, float], arg)
        v = float(rng.randint(int(lo), int(hi)))
        raw = f"±{fmt_num(v)}%" + ("以内" if rng.random() < 0.5 else "")
        return Target(raw, "range", -v, v, "%", None)
    if kind == "zero":
        unit = str(arg)
        raw = ("=" if rng.random() < st.eq_sign else "") + f"0{unit}"
        return Target(raw, "=", 0.0, None, unit, None)
    if kind == "budget":
        v = float(round(budget_wan * scale))
        if rng.random() < 0.2:
            return _qual("控制在预算范围内")
        return _signed(rng, "le", fmt_num(v), v, "万元", st)
    if kind == "date":
        return _qual(_date(rng, arg, year))
    if kind in ("qual", "sent"):
        opts = list(arg) if isinstance(arg, list) else V.QUAL_GENERIC
        return _qual(rng.choice(opts))
    raise ValueError(kind)


def _qual(s: str) -> Target:
    return Target(s, None, None, None, None, s)


def _signed(rng: random.Random, kind: str, n: str, v: float, unit: str,
            st: TargetStyle) -> Target:
    op = ">=" if kind == "ge" else "<="
    if rng.random() < st.suffix:
        suf = "以上" if kind == "ge" else rng.choice(["以内", "以下"])
        return Target(f"{n}{unit}{suf}", op, v, None, unit, None)
    sign = rng.choice(st.ge if kind == "ge" else st.le)
    return Target(f"{sign}{n}{unit}", op, v, None, unit, None)


OPCOL = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}


def opcol_target(t: Target, rng: random.Random) -> Target:
    """the same target for a table with operator and unit columns (F3): the value cell is
    a bare number (or a bare range), the sign and the unit sit in their own columns."""
    if t.op is None:
        return Target(t.raw, None, None, None, None, t.raw, "定性", "")
    unit = t.unit or ""
    if t.op == "range":
        if t.value is not None and t.value < 0:  # ±: print as a plain upper bound
            assert t.high is not None
            n = fmt_num(t.high)
            return Target(n, "<=", t.high, None, unit or None, None, "≤", unit)
        assert t.value is not None and t.high is not None
        raw = f"{fmt_num(t.value)}-{fmt_num(t.high)}"
        return Target(raw, "range", t.value, t.high, unit or None, None, "", unit)
    assert t.value is not None
    return Target(fmt_num(t.value), t.op, t.value, None, unit or None, None, OPCOL[t.op], unit)


# ------------------------------------------------------------------ independent reading
_NUM = r"(\d+(?:\.\d+)?)"
_PREFIX = [(">=", ">="), ("≥", ">="), ("不低于", ">="), ("<=", "<="), ("≤", "<="),
           ("不超过", "<="), ("=", "="), (">", ">"), ("<", "<"), ("约", "=")]


def read_cell(raw: str, op_cell: str | None = None, unit_cell: str | None = None
              ) -> tuple[str | None, float | None, float | None, str | None, str | None]:
    """(operator, value, high, unit, text) of a printed target after CONTRACT.md."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw))
    if op_cell is not None and op_cell.strip() == "定性":
        return None, None, None, None, raw
    m = re.fullmatch(r"±" + _NUM + r"([^\d]{0,12}?)(以内)?", s)
    if m:
        v = float(m.group(1))
        return "range", -v, v, m.group(2) or (unit_cell or None), None
    m = re.fullmatch(_NUM + r"([^\d\-~]{0,12}?)[-~]" + _NUM + r"([^\d]{0,12})", s)
    if m and (not m.group(2) or m.group(2) == m.group(4)):
        return ("range", float(m.group(1)), float(m.group(3)),
                m.group(4) or (unit_cell or None), None)
    op = None
    for p, o in _PREFIX:
        if s.startswith(p):
            op, s = o, s[len(p):]
            break
    if s.endswith("以上"):
        op, s = op or ">=", s[:-2]
    elif s.endswith(("以内", "以下")):
        op, s = op or "<=", s[:-2]
    m = re.fullmatch(_NUM + r"([^\d]{0,12})", s)
    if not m:
        return None, None, None, None, raw
    if op_cell and op_cell.strip() in OPCOL.values():
        op = {v: k for k, v in OPCOL.items()}[op_cell.strip()]
    return op or "=", float(m.group(1)), None, m.group(2) or (unit_cell or None), None
