"""Form content (what a form says) and its truth records."""

from __future__ import annotations

import calendar
import random
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import vocab as V
from .targets import Target, TargetStyle, make_target

PROJECT_KEYS = [
    "year", "unit_name", "supervising_dept", "project_name", "project_category",
    "performance_type", "planned_start", "planned_end", "includes_gov_procurement",
    "total_budget_yuan", "current_year_budget_yuan", "prior_year_budget_yuan",
    "prior_year_executed_yuan", "fiscal_appropriation_yuan", "other_funds_yuan", "overview",
    "basis", "necessity", "overall_goal", "unit_code", "supervising_dept_code",
    "project_attribute", "project_period", "long_term_goal", "mid_term_budget_yuan",
    "carryover_yuan", "extra_fields",
]


def num(v: Decimal | float | None) -> int | float | None:
    """a JSON number: int when whole."""
    if v is None:
        return None
    d = Decimal(str(v))
    return int(d) if d == d.to_integral_value() else float(round(d, 2))


@dataclass
class Ind:
    """one indicator record of the truth (one row, one period)."""

    level1: str
    level2: str
    level3: str
    target: Target
    period: str = "annual"
    weight: float | None = None
    remarks: str | None = None
    explanation: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    source_page: int | None = None

    def truth(self) -> dict[str, Any]:
        t = self.target
        return {
            "level1": self.level1, "level2": self.level2, "level3": self.level3,
            "target_raw": t.raw, "target_operator": t.op, "target_value": num(t.value),
            "target_value_high": num(t.high), "target_unit": t.unit, "target_text": t.text,
            "source_page": self.source_page, "period": self.period,
            "weight": num(self.weight), "remarks": self.remarks,
            "explanation": self.explanation, "extra": dict(self.extra),
        }


@dataclass
class Form:
    """the truth of one form: every v_project_year field plus its indicators."""

    year: int
    fields: dict[str, Any] = field(default_factory=dict)
    extra_fields: dict[str, str] = field(default_factory=dict)
    indicators: list[Ind] = field(default_factory=list)

    def set(self, key: str, value: Any) -> None:
        assert key in PROJECT_KEYS, key
        self.fields[key] = value

    def truth(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: self.fields.get(k) for k in PROJECT_KEYS}
        out["year"] = self.year
        for k in out:
            if k.endswith("_yuan"):
                out[k] = num(out[k])
        out["extra_fields"] = dict(self.extra_fields)
        out["indicators"] = [i.truth() for i in self.indicators]
        return out


@dataclass
class Spec:
    key: str  # level-2 key (数量, 质量, ...)
    name: str
    kind: str
    arg: object


@dataclass
class Content:
    """what one form says, before a family lays it out."""

    year: int
    unit: str
    dept: str
    domain: str
    project: str
    dept_code: str
    unit_code: str
    total_wan: Decimal
    fiscal_wan: Decimal
    carry_wan: Decimal
    other_wan: Decimal
    mid_wan: Decimal
    goal_annual: str
    goal_long: str
    goal_total: str
    person: str
    phone: str
    specs: list[Spec]
    long_specs: list[Spec]
    tstyle: TargetStyle
    seed: int


def person(rng: random.Random) -> str:
    return rng.choice(V.SURNAMES) + "".join(rng.choice(V.GIVEN) for _ in range(rng.choice([1, 2])))


def phone(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return "1" + rng.choice("3589") + "".join(str(rng.randint(0, 9)) for _ in range(9))
    return f"0{rng.randint(310, 999)}-{rng.randint(2000000, 8999999)}"


def goal(rng: random.Random, domain: str, k: int, numbered: bool) -> str:
    parts = rng.sample(V.GOALS[domain], min(k, len(V.GOALS[domain])))
    parts = [p.format(n=rng.choice([12, 20, 36, 50, 80, 120, 300])) for p in parts]
    if numbered:
        return "".join(f"目标{i}：{p}。" for i, p in enumerate(parts, 1))
    return "；".join(parts) + "。"


def pick_specs(rng: random.Random, domain: str, n: int) -> list[Spec]:
    """n indicator specs of a domain, in level order, each level-2 group non-empty."""
    dom = [Spec(*s) for s in V.DOMAIN_SPECS[domain]]
    gen = [Spec(*s) for s in V.GENERIC_SPECS]
    pool = dom + rng.sample(gen, len(gen))
    seen: set[str] = set()
    out: list[Spec] = []
    must = [s for s in dom if s.key == "数量"][:3] + [s for s in pool if s.key == "满意"][:1]
    for s in must + rng.sample(pool, len(pool)):
        if s.name in seen or len(out) >= n:
            continue
        seen.add(s.name)
        out.append(s)
    out.sort(key=lambda s: V.ORDER.index(s.key))
    return out


def month_range(start: tuple[int, int], end: tuple[int, int]) -> tuple[str, str]:
    y0, m0 = start
    y1, m1 = end
    last = calendar.monthrange(y1, m1)[1]
    return f"{y0:04d}-{m0:02d}-01", f"{y1:04d}-{m1:02d}-{last:02d}"


def period_text(rng: random.Random, year: int, style: str) -> tuple[str, str | None, str | None]:
    """a printed project period and its planned dates (None when not a date range)."""
    m0 = rng.choice([1, 1, 1, 2, 3, 4])
    m1 = rng.choice([10, 11, 12, 12, 12])
    if style == "years":
        return rng.choice(["1年", "2年", "3年", f"{year}年"]), None, None
    if style == "zh":
        s, e = month_range((year, m0), (year, m1))
        return f"{year}年{m0}月至{m1}月", s, e
    if style == "dot":
        y1 = year + (1 if rng.random() < 0.3 else 0)
        s, e = month_range((year, m0), (y1, m1))
        return f"{year}.{m0:02d}-{y1}.{m1:02d}", s, e
    if style == "compact_day":
        last = calendar.monthrange(year, m1)[1]
        return (f"{year}{m0:02d}01-{year}{m1:02d}{last:02d}", f"{year}-{m0:02d}-01",
                f"{year}-{m1:02d}-{last:02d}")
    if style == "compact_month":
        s, e = month_range((year, m0), (year, m1))
        return f"{year}{m0:02d}-{year}{m1:02d}", s, e
    if style == "zh_full":
        y1 = year + 1
        s, e = month_range((year, m0), (y1, m1))
        return f"{year}年{m0}月-{y1}年{m1}月", s, e
    raise ValueError(style)


def _wan(rng: random.Random, lo: float, hi: float, dec: int) -> Decimal:
    v = Decimal(str(round(rng.uniform(lo, hi), dec)))
    return v.quantize(Decimal(1).scaleb(-dec)) if dec else v.quantize(Decimal(1))


def make_content(rng: random.Random, year: int, unit: str, dept: str, domain: str,
                 project: str, dept_code: str, n_ind: int, tstyle: TargetStyle) -> Content:
    dec = rng.choice([2, 2, 2, 0, 4])
    total = _wan(rng, 6, 1800, dec)
    q = Decimal(1).scaleb(-dec)
    share = Decimal(str(rng.choice([1, 1, 0.9, 0.8, 0.7, 0.6])))
    fiscal = (total * share).quantize(q)
    carry = ((total - fiscal) * Decimal(str(rng.choice([0, 0.5, 1])))).quantize(q)
    other = total - fiscal - carry
    mid = (total * Decimal(str(rng.choice([2.6, 3, 3.2])))).quantize(q)
    specs = pick_specs(rng, domain, n_ind)
    return Content(
        year=year, unit=unit, dept=dept, domain=domain, project=project,
        dept_code=dept_code, unit_code=dept_code + f"{rng.randint(1, 12):03d}",
        total_wan=total, fiscal_wan=fiscal, carry_wan=carry, other_wan=other, mid_wan=mid,
        goal_annual=goal(rng, domain, rng.randint(1, 3), rng.random() < 0.4),
        goal_long=goal(rng, domain, rng.randint(1, 3), rng.random() < 0.3),
        goal_total=goal(rng, domain, 2, False),
        person=person(rng), phone=phone(rng), specs=specs,
        long_specs=[Spec(*s) for s in rng.sample(V.LONG_SPECS, 2)], tstyle=tstyle,
        seed=rng.randrange(1 << 30),
    )


def target_for(c: Content, s: Spec, scale: float = 1.0, year: int | None = None) -> Target:
    """the target of spec s in form c; the same draw for every period of the form, so a
    multi-year block prints the annual figure scaled (and in the same style)."""
    rng = random.Random(c.seed * 7919 + zlib.crc32(s.name.encode("utf-8")))
    return make_target(rng, s.kind, s.arg, c.tstyle, year or c.year, scale,
                       float(c.total_wan) * rng.choice([1.0, 0.98, 0.95]))


def yuan(wan: Decimal) -> Decimal:
    return wan * 10000


def fmt_wan(v: Decimal, suffix: str = "") -> str:
    return f"{v}{suffix}"


def fmt_yuan(v: Decimal) -> str:
    return f"{v * 10000:,.2f}"
