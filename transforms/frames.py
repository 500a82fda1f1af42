"""From extracted forms to typed frames: wraps repaired, values parsed, targets normalised.

A value that cannot be parsed is not guessed: the form is set aside with a quarantine entry
naming the field and the printed value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pandas as pd

from extractors.errors import Reason
from extractors.model import Extra, Form
from extractors.profiles.level_classes import classify_levels
from extractors.vocabulary import PROFILES, is_personal_label
from transforms.quarantine import QuarantineEntry
from transforms.targets import normalise_target
from transforms.text import join_cell, join_paragraphs, key
from transforms.values import (
    parse_date,
    parse_money,
    parse_period_dates,
    parse_weight,
    parse_year,
    parse_yes_no,
    ticked_option,
)

SHORT_FIELDS = ("unit_name", "supervising_dept", "project_name", "project_category",
                "performance_type", "unit_code", "supervising_dept_code", "project_period")
NARRATIVE_FIELDS = ("overview", "basis", "necessity", "overall_goal", "long_term_goal",
                    "measures", "implementation_plan")
MONEY_FIELDS = ("total_budget", "current_year_budget", "prior_year_budget",
                "prior_year_executed", "fiscal_appropriation", "other_funds", "mid_term_budget",
                "carryover")
PROJECT_COLUMNS = (
    "form_index", "form_page", "layout", "year", "unit_nk", "project_nk", *SHORT_FIELDS,
    "project_attribute",
    "planned_start", "planned_end", "includes_gov_procurement",
    *(f"{m}_yuan" for m in MONEY_FIELDS), "annual_budget_yuan", *NARRATIVE_FIELDS,
    "extra_fields",
)
INDICATOR_COLUMNS = (
    "form_index", "row_index", "indicator_nk", "period", "level1", "level2", "level3",
    "level1_std", "level2_std", "target_raw",
    "target_operator", "target_value", "target_value_high", "target_unit", "target_text",
    "weight", "remarks", "explanation", "extra", "source_page",
)


@dataclass
class Frames:
    """Typed, not yet validated: one row per form and one row per indicator row."""

    projects: pd.DataFrame
    indicators: pd.DataFrame
    quarantine: list[QuarantineEntry] = field(default_factory=list)


class _FieldError(Exception):
    def __init__(self, reason: Reason, column: str, value: str | None, message: str) -> None:
        super().__init__(message)
        self.reason, self.column, self.value = reason, column, value


def _parsed(reason: Reason, column: str, raw: str | None,
            parse: Callable[[str | None], Any]) -> Any:
    try:
        return parse(raw)
    except ValueError as exc:
        raise _FieldError(reason, column, raw, str(exc)) from exc


def project_record(index: int, form: Form) -> dict[str, Any]:
    """The form's header as typed values; raises ``_FieldError`` on an unreadable value."""
    f = form.fields
    record: dict[str, Any] = {"form_index": index, "form_page": form.page, "layout": form.layout}
    record["year"] = _parsed(Reason.BAD_YEAR, "year", f.get("year"), parse_year)
    for name in SHORT_FIELDS:
        record[name] = join_cell(f.get(name))
    record["unit_nk"] = unit_natural_key(record["unit_name"])
    record["project_nk"] = project_natural_key(record["unit_name"], record["project_name"])
    for name in NARRATIVE_FIELDS:
        record[name] = join_paragraphs(f.get(name))
    record["project_attribute"] = ticked_option(join_cell(f.get("project_attribute")))
    for name in ("planned_start", "planned_end"):
        record[name] = _parsed(Reason.BAD_DATE, name, f.get(name), parse_date)
    span = parse_period_dates(record["project_period"])
    if span is not None and record["planned_start"] is None and record["planned_end"] is None:
        record["planned_start"], record["planned_end"] = span
    record["includes_gov_procurement"] = _parsed(
        Reason.BAD_YES_NO, "includes_gov_procurement", f.get("includes_gov_procurement"),
        parse_yes_no)
    for name in MONEY_FIELDS:
        value = _parsed(Reason.BAD_MONEY, f"{name}_yuan", f.get(name),
                        partial(parse_money, unit=form.money_unit))
        record[f"{name}_yuan"] = None if value is None else float(value)
    record["annual_budget_yuan"] = annual_budget(record, form)
    record["extra_fields"] = extra_dict(form.extra_fields)
    return record


def annual_budget(record: dict[str, Any], form: Form) -> float | None:
    """The fiscal year's budget, whatever the template calls it: the first amount printed
    among the profile's ``annual_budget`` fields (项目当年预算; 年度资金总额 where only that is
    printed), so budgets compare across templates."""
    for name in PROFILES[form.layout].annual_budget:
        value = record.get(f"{name}_yuan")
        if value is not None:
            return float(value)
    return None


def unit_natural_key(unit: str | None) -> str:
    """The natural keys of the dimensions (what makes a re-run find the same row): the NFKC,
    whitespace- and invisible-free spelling of what identifies each."""
    return key(unit)


def project_natural_key(unit: str | None, project: str | None) -> str:
    return f"{key(unit)}|{key(project)}"


def indicator_natural_key(layout: str, level1: str | None, level2: str | None,
                          level3: str | None) -> str:
    return "|".join((layout, key(level1), key(level2), key(level3)))


def extra_dict(extra: Extra) -> dict[str, str]:
    """Printed label → value, wraps repaired and colons removed; personal data left out."""
    out: dict[str, str] = {}
    for label, value in extra:
        name = (join_cell(label) or "").rstrip(":：")
        if name and not is_personal_label(name):  # contract v2: never loaded
            out[name] = join_cell(value) or ""
    return out


def indicator_records(index: int, form: Form) -> list[dict[str, Any]]:
    out = []
    for n, row in enumerate(form.indicators):
        raw = join_cell(row.target_raw) or ""
        target = normalise_target(raw, join_cell(row.operator_cell), join_cell(row.unit_cell))
        levels = (join_cell(row.level1), join_cell(row.level2), join_cell(row.level3))
        level1_std, level2_std = classify_levels(levels[0], levels[1])
        out.append({
            "form_index": index, "row_index": n,
            "indicator_nk": indicator_natural_key(form.layout, *levels), "period": row.period,
            "level1": levels[0], "level2": levels[1], "level3": levels[2],
            "level1_std": level1_std, "level2_std": level2_std, "target_raw": raw,
            "target_operator": target.operator,
            "target_value": None if target.value is None else float(target.value),
            "target_value_high": None if target.value_high is None else float(target.value_high),
            "target_unit": target.unit, "target_text": target.text,
            "weight": parse_weight(row.weight), "remarks": join_cell(row.remarks),
            "explanation": join_cell(row.explanation), "extra": extra_dict(row.extra),
            "source_page": row.page,
        })
    return out


def forms_to_frames(forms: Sequence[tuple[int, Form]]) -> Frames:
    """Frames for every ``(form_index, form)`` whose header values parse; the others become
    quarantine entries."""
    projects: list[dict[str, Any]] = []
    indicators: list[dict[str, Any]] = []
    quarantine: list[QuarantineEntry] = []
    for index, form in forms:
        try:
            projects.append(project_record(index, form))
        except _FieldError as exc:
            quarantine.append(QuarantineEntry(
                stage="validate", reason=exc.reason, message=f"form {index + 1}: {exc}",
                form_index=index, page=form.page, column=exc.column, check="parse",
                value=exc.value))
            continue
        indicators.extend(indicator_records(index, form))
    return Frames(
        projects=pd.DataFrame(projects, columns=list(PROJECT_COLUMNS)),
        indicators=pd.DataFrame(indicators, columns=list(INDICATOR_COLUMNS)),
        quarantine=quarantine,
    )
