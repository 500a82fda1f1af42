"""Data model of a synthetic form and its truth, and the random content generator."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from . import vocab as V

FW_OPS = {"=": "＝", ">=": "＞＝", "<=": "＜＝", ">": "＞", "<": "＜"}


@dataclass
class Indicator:
    level1: str
    level2: str
    level3: str
    target_raw: str
    target_operator: str | None
    target_value: float | None
    target_value_high: float | None
    target_unit: str | None
    target_text: str | None
    source_page: int | None = None

    def truth(self) -> dict[str, Any]:
        return {
            "level1": self.level1, "level2": self.level2, "level3": self.level3,
            "target_raw": self.target_raw, "target_operator": self.target_operator,
            "target_value": _num(self.target_value),
            "target_value_high": _num(self.target_value_high),
            "target_unit": self.target_unit, "target_text": self.target_text,
            "source_page": self.source_page,
        }


@dataclass
class Project:
    layout: str  # "shanghai" | "national"
    year: int
    unit_name: str
    supervising_dept: str | None
    project_name: str
    project_category: str | None
    performance_type: str | None
    planned_start: str | None
    planned_end: str | None
    includes_gov_procurement: bool | None
    total_budget_yuan: float | None
    current_year_budget_yuan: float | None
    prior_year_budget_yuan: float | None
    prior_year_executed_yuan: float | None
    fiscal_appropriation_yuan: float | None
    other_funds_yuan: float | None
    overview: str | None
    basis: str | None
    necessity: str | None
    measures: str | None  # printed but not part of the contract
    plan: str | None  # printed but not part of the contract
    overall_goal: str | None
    indicators: list[Indicator] = field(default_factory=list)

    def truth(self) -> dict[str, Any]:
        keys = ["year", "unit_name", "supervising_dept", "project_name", "project_category",
                "performance_type", "planned_start", "planned_end", "includes_gov_procurement",
                "total_budget_yuan", "current_year_budget_yuan", "prior_year_budget_yuan",
                "prior_year_executed_yuan", "fiscal_appropriation_yuan", "other_funds_yuan",
                "overview", "basis", "necessity", "overall_goal"]
        out: dict[str, Any] = {k: getattr(self, k) for k in keys}
        for k in keys:
            if k.endswith("_yuan"):
                out[k] = _num(out[k])
        out["indicators"] = [i.truth() for i in self.indicators]
        return out


def _num(v: float | None) -> float | int | None:
    if v is None:
        return None
    r = round(float(v), 4)
    return int(r) if r == int(r) else r


def fmt_num(v: float, dec: int) -> str:
    return f"{v:.{dec}f}" if dec else str(round(v))


# ------------------------------------------------------------------ targets
def make_target(rng: random.Random, unit: str, lo: float, hi: float, dec: int,
                fullwidth: bool) -> tuple[str, str | None, float | None, float | None, str | None]:
    """returns (raw, operator, value, high, unit) for a quantitative indicator."""
    val = round(rng.uniform(lo, hi), dec) if dec else float(rng.randint(int(lo), int(hi)))
    if dec and rng.random() < 0.4:
        val = round(val)  # keep some integers
    if dec and val == int(val):
        dec = 0
    sval = fmt_num(val, dec)
    pct = unit == "%"
    uprint = "％" if pct and fullwidth else unit
    rate_like = pct and ("率" in unit or True)
    upper = unit in ("个工作日", "天", "分钟", "小时", "元", "万元", "微克/立方米") or (
        "成本" in unit)
    r = rng.random()
    if rate_like and r < 0.18:
        lo_v = float(rng.choice([75, 80, 85, 88, 90]))
        hi_v = float(rng.choice([92, 95, 98, 100]))
        sep = rng.choice(["-", "~"])
        if fullwidth:
            sep = {"-": "－", "~": "～"}[sep]
        raw = f"{fmt_num(lo_v, 0)}{uprint}{sep}{fmt_num(hi_v, 0)}{uprint}"
        return raw, "range", lo_v, hi_v, "%"
    if rate_like and r < 0.30:
        return (("＝100％" if fullwidth else "=100%"), "=", 100.0, None, "%")
    if upper:
        op = "<=" if r < 0.8 else "<"
    else:
        op = ">=" if r < 0.7 else rng.choice(["=", ">", "bare"])
    if op == "bare":
        if rng.random() < 0.25 and not pct:
            return sval, "=", val, None, None  # a bare number without unit
        return f"{sval}{uprint}", "=", val, None, unit
    style = rng.random()
    if fullwidth and style < 0.6:
        prefix = FW_OPS[op]
    elif op == ">=":
        prefix = ">=" if style < 0.4 else ("≥" if style < 0.75 else "不低于")
    elif op == "<=":
        prefix = "<=" if style < 0.4 else ("≤" if style < 0.75 else "不超过")
    else:
        prefix = op
    return f"{prefix}{sval}{uprint}", op, val, None, unit


def _ind(l1: str, l2: str, l3: str, raw: str, op: str | None, val: float | None,
         high: float | None, unit: str | None) -> Indicator:
    text = raw if op is None else None
    return Indicator(l1, l2, l3, raw, op, val, high, unit, text)


def make_indicators(rng: random.Random, layout: str, fullwidth: bool, long_cells: bool,
                    big: bool) -> list[Indicator]:
    out: list[Indicator] = []
    used: set[str] = set()
    if layout == "shanghai":
        for l2, l3, qual in V.SH_INPUT_BLOCK:
            if qual is not None:
                out.append(_ind("投入与管理", l2, l3, qual, None, None, None, None))
            else:
                raw, op, v, h, u = ("=100%", "=", 100.0, None, "%")
                if fullwidth and rng.random() < 0.5:
                    raw = "＝100％"
                elif rng.random() < 0.3:
                    raw = "100%"
                out.append(_ind("投入与管理", l2, l3, raw, op, v, h, u))
        tree = V.SH_TREE
    else:
        tree = V.NAT_TREE
    for l1, l2s in tree.items():
        k = len(l2s) if l1 != "影响力目标" else rng.randint(1, 3)
        chosen = [x for x in l2s if rng.random() < 0.85][:k] or l2s[:1]
        for l2 in chosen:
            key = V.NAT_KEY.get(l2, l2)
            n = rng.choice([1, 1, 2, 2, 3, 4]) if key in V.QUANT else rng.choice([1, 1, 2])
            if big and key in ("数量", "质量"):
                n = len(V.QUANT[key]) if key == "数量" else 4
            for _ in range(n):
                ind = _one_indicator(rng, l1, l2, key, fullwidth, long_cells, used)
                if ind is not None:
                    out.append(ind)
    return out


def _one_indicator(rng: random.Random, l1: str, l2: str, key: str, fullwidth: bool,
                   long_cells: bool, used: set[str]) -> Indicator | None:
    quants = V.QUANT.get(key, [])
    quals = V.QUAL.get(key, [])
    for _ in range(10):
        if quants and (not quals or rng.random() < 0.75):
            name, unit, lo, hi, dec = rng.choice(quants)
            if name in used:
                continue
            raw, op, v, h, u = make_target(rng, unit, lo, hi, dec, fullwidth)
        elif quals:
            name, raw = rng.choice(quals)
            if name in used:
                continue
            op, v, h, u = None, None, None, None
        else:
            return None
        used.add(name)
        if long_cells and rng.random() < 0.35:
            name = rng.choice(V.LONG_L3_PREFIX) + name
        return _ind(l1, l2, name, raw, op, v, h, u)
    return None


# ------------------------------------------------------------------ narratives
def _fill(s: str, ctx: dict[str, Any]) -> str:
    return s.format(**ctx)


def paragraph(rng: random.Random, pool: list[str], ctx: dict[str, Any], lo: int, hi: int) -> str:
    n = min(len(pool), rng.randint(lo, hi))
    return "".join(_fill(s, ctx) for s in rng.sample(pool, n))


def make_project(rng: random.Random, layout: str, year: int, unit: str, dept: str | None,
                 domain: str, flags: set[str], big: bool = False) -> Project:
    names, topic = V.PROJECTS[domain]
    name = rng.choice(names)
    if "long_names" in flags and rng.random() < 0.7:
        name = rng.choice(V.LONG_PROJECT_NAMES).format(t=topic, y=year)
    elif rng.random() < 0.3:
        name = f"{year}年{name}"
    ctx = {"t": topic, "y": year, "py": year - 1, "n": rng.randint(3, 16),
           "m": rng.randint(12, 480), "k": rng.randint(3, 12), "a": rng.randint(2015, year - 1),
           "b": rng.randint(3, 120), "c": year + 2}
    fullwidth = "fullwidth" in flags
    inds = make_indicators(rng, layout, fullwidth, "long_cells" in flags, big)
    if layout == "national":
        total = round(rng.uniform(8, 260), 2)
        other = round(total * rng.choice([0, 0, 0.1, 0.2, 0.25]), 2)
        fiscal = round(total - other, 2)
        goal = "".join(_fill(s, ctx) for s in rng.sample(V.GOAL_SENTENCES, rng.randint(2, 3)))
        return Project(layout, year, unit, dept, name, None, None, None, None, None,
                       round(total * 10000), None, None, None, round(fiscal * 10000),
                       round(other * 10000), None, None, None, None, None, goal, inds)
    total = rng.randint(8, 400) * 5000
    prior = rng.choice([0, rng.randint(8, 400) * 5000])
    executed = prior if rng.random() < 0.5 else int(prior * rng.uniform(0.85, 0.99))
    paras = rng.choice([1, 1, 2, 3]) if "long_paragraph" not in flags else 6
    overview = "\n".join(paragraph(rng, V.OVERVIEW_SENTENCES, ctx, 3, 6) for _ in range(paras))
    if "long_paragraph" in flags:
        overview = "\n".join(
            paragraph(rng, V.OVERVIEW_SENTENCES, ctx, 8, 12) for _ in range(paras))
    basis_items = rng.sample(V.BASIS_ITEMS, rng.randint(2, 5))
    if rng.random() < 0.4:
        basis = "；".join(f"{i + 1}、{_fill(b, ctx)}" for i, b in enumerate(basis_items)) + "。"
    else:
        basis = "、".join(_fill(b, ctx) for b in basis_items) + "。"
    necessity = paragraph(rng, V.NECESSITY_SENTENCES, ctx, 2, 4)
    measures = paragraph(rng, V.MEASURE_SENTENCES, ctx, 0, 3) or None
    plan = rng.choice(V.PLAN_SENTENCES) if rng.random() < 0.5 else None
    goal = paragraph(rng, V.GOAL_SENTENCES, ctx, 2, 4)
    start_m = rng.choice([1, 1, 1, 3, 5])
    end = rng.choice([(12, 31), (12, 31), (11, 30), (9, 30)])
    return Project(
        layout, year, unit, None, name, rng.choice(V.SH_CATEGORIES),
        rng.choice(V.SH_PERF_TYPES), f"{year}-{start_m:02d}-01",
        f"{year}-{end[0]:02d}-{end[1]:02d}", rng.random() < 0.4, total, total, prior, executed,
        None, None, overview, basis, necessity, measures, plan, goal, inds)
