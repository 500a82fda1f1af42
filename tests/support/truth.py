"""Compare extractor output (the output model) with a truth entry, field by field.

Used by the golden tests and while developing a parser: it speaks in the contract's terms
(NFKC, whitespace removed; money in yuan; dates YYYY-MM-DD) so a diff line is a real defect.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from extractors.model import Form, MoneyUnit
from transforms.values import parse_money

SHARED_TRUTH_FIELDS = {
    "year": "year",
    "unit_name": "unit_name",
    "supervising_dept": "supervising_dept",
    "project_name": "project_name",
    "project_category": "project_category",
    "performance_type": "performance_type",
    "planned_start": "planned_start",
    "planned_end": "planned_end",
    "includes_gov_procurement": "includes_gov_procurement",
    "total_budget_yuan": "total_budget",
    "current_year_budget_yuan": "current_year_budget",
    "prior_year_budget_yuan": "prior_year_budget",
    "prior_year_executed_yuan": "prior_year_executed",
    "fiscal_appropriation_yuan": "fiscal_appropriation",
    "other_funds_yuan": "other_funds",
    "overview": "overview",
    "basis": "basis",
    "necessity": "necessity",
    "overall_goal": "overall_goal",
}


def key(text: Any) -> str | None:
    if text is None:
        return None
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))
    return s or None


def _money(raw: str | None, unit: MoneyUnit) -> float | None:
    """Yuan, by the transforms' own rule (a unit printed with the figure wins)."""
    if raw is None or not key(raw):
        return None
    value = parse_money(raw, unit)
    return None if value is None else round(float(value), 2)


def _date(raw: str | None) -> str | None:
    k = key(raw)
    if k is None:
        return None
    m = re.match(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})", k)
    return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}" if m else "bad:" + k


def _bool(raw: str | None) -> bool | None:
    k = key(raw)
    return None if k is None else {"是": True, "否": False}.get(k)


def form_value(form: Form, truth_field: str) -> Any:
    """A form's value for a truth field, converted the simple way the contract defines."""
    name = SHARED_TRUTH_FIELDS[truth_field]
    raw = form.fields.get(name)
    if truth_field.endswith("_yuan"):
        return _money(raw, form.money_unit)
    if truth_field.startswith("planned_"):
        return _date(raw)
    if truth_field == "includes_gov_procurement":
        return _bool(raw)
    if truth_field == "year":
        return int(raw) if raw and raw.strip().isdigit() else raw
    return key(raw)


def truth_value(project: dict[str, Any], truth_field: str) -> Any:
    v = project.get(truth_field)
    if truth_field.endswith("_yuan"):
        return None if v is None else round(float(v), 2)
    if truth_field in ("year", "includes_gov_procurement") or truth_field.startswith("planned_"):
        return v
    return key(v)


def diff_forms(forms: Sequence[Form], projects: Sequence[dict[str, Any]]) -> list[str]:
    """Human-readable differences between extracted forms and truth projects (in order)."""
    out: list[str] = []
    if len(forms) != len(projects):
        out.append(f"form count: got {len(forms)}, truth {len(projects)}")
    for n, (form, proj) in enumerate(zip(forms, projects, strict=False), start=1):
        for tf in SHARED_TRUTH_FIELDS:
            got, want = form_value(form, tf), truth_value(proj, tf)
            if got != want:
                out.append(f"form {n} {tf}: got {str(got)[:60]!r} want {str(want)[:60]!r}")
        got_rows = [_row(r.level1, r.level2, r.level3, r.target_raw, r.page)
                    for r in form.indicators]
        want_rows = [_row(i["level1"], i["level2"], i["level3"], i["target_raw"],
                          i["source_page"]) for i in proj["indicators"]]
        if got_rows != want_rows:
            out.append(f"form {n} indicators differ ({len(got_rows)} got, {len(want_rows)} truth):")
            for i in range(max(len(got_rows), len(want_rows))):
                g = got_rows[i] if i < len(got_rows) else None
                w = want_rows[i] if i < len(want_rows) else None
                if g != w:
                    out.append(f"   row {i + 1}: got {g} want {w}")
    return out


def _row(l1: Any, l2: Any, l3: Any, target: Any, page: Any) -> tuple[Any, ...]:
    return (key(l1), key(l2), key(l3), key(target), page)


def load_truth(path: Path) -> dict[str, dict[str, Any]]:
    """Truth documents by file base name."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {Path(d["file"]).name: d for d in data["documents"]}


def report(results: Iterable[tuple[str, list[str]]]) -> int:
    bad = 0
    for name, diffs in results:
        print(("OK   " if not diffs else "DIFF ") + name)
        for d in diffs:
            print("    " + d)
        bad += bool(diffs)
    return bad
