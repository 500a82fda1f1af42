"""Validation at the transform → warehouse boundary, and the rule for partial forms.

The rule (README, "When a file is quarantined"): a form loads whole or not at all when its
*header* fails (year, names, money, dates), because a project-year row with a wrong budget
is worse than none. An *indicator row* that fails (a level or the target missing, a target
too large for the warehouse) is quarantined alone, in one entry, and the rest of its form
loads, because the other rows stay true; a form left with no valid rows is quarantined as a
whole. Values too large for their warehouse column fail here, not in the database, so SQLite
(which would round them) and PostgreSQL (which would refuse the file) agree.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pandera.pandas as pa

from extractors.errors import Reason
from extractors.model import Form
from extractors.vocabulary import LABELS
from transforms.frames import forms_to_frames
from transforms.quarantine import QuarantineEntry
from transforms.schemas import (
    FITS_MONEY,
    FITS_NUMBER,
    MONEY_DIGITS,
    NUMBER_DIGITS,
    IndicatorTargetFrame,
    ProjectYearFrame,
)
from transforms.text import key
from transforms.values import parse_year

_PROJECT_REASONS = {
    "year": Reason.BAD_YEAR, "unit_name": Reason.MISSING_NAME,
    "project_name": Reason.MISSING_NAME,
    "unit_nk": Reason.MISSING_NAME, "project_nk": Reason.MISSING_NAME,  # keys of an empty name
    "planned_start": Reason.BAD_DATE, "planned_end": Reason.BAD_DATE,
    "includes_gov_procurement": Reason.BAD_YES_NO,
}


@dataclass
class Validated:
    """Rows ready to load, and everything set aside with its reason."""

    projects: pd.DataFrame
    indicators: pd.DataFrame
    quarantine: list[QuarantineEntry]


def _form_entry(reason: Reason, index: int, form: Form, message: str, **kw: str | None) -> (
        QuarantineEntry):
    return QuarantineEntry(stage="validate", reason=reason, message=f"form {index + 1}: {message}",
                           form_index=index, page=form.page, **kw)  # type: ignore[arg-type]


IndexedForms = list[tuple[int, Form]]


def structural_checks(forms: Sequence[Form]) -> tuple[IndexedForms, list[QuarantineEntry]]:
    """Forms that have a target column and rows; the others as quarantine entries."""
    keep: list[tuple[int, Form]] = []
    out: list[QuarantineEntry] = []
    for i, form in enumerate(forms):
        if not form.has_target_column:
            out.append(_form_entry(Reason.NO_TARGET_COLUMN, i, form,
                                   "the indicator table has no target column"))
        elif not form.indicators:
            out.append(_form_entry(Reason.EMPTY_INDICATOR_TABLE, i, form,
                                   "the indicator table has no rows"))
        else:
            keep.append((i, form))
    return keep, out


def _form_identity(form: Form) -> tuple[str, ...]:
    f = form.fields
    return (key(f.get("year")), key(f.get("unit_name")), key(f.get("project_name")))


def _form_content(form: Form) -> tuple[object, ...]:
    fields = tuple(sorted((k, key(v)) for k, v in form.fields.items()))
    rows = tuple((key(r.level1), key(r.level2), key(r.level3), key(r.target_raw))
                 for r in form.indicators)
    return fields, rows


def duplicate_checks(forms: list[tuple[int, Form]]) -> tuple[list[tuple[int, Form]],
                                                             list[QuarantineEntry]]:
    """The same project-year printed twice in a file: identical copies load once (each repeat
    is recorded); copies that disagree are all quarantined, since we cannot tell which is
    right."""
    groups: dict[tuple[str, ...], list[tuple[int, Form]]] = defaultdict(list)
    for item in forms:
        groups[_form_identity(item[1])].append(item)
    keep: list[tuple[int, Form]] = []
    out: list[QuarantineEntry] = []
    for (_, _, project), items in groups.items():
        first = items[0][1]
        if len(items) == 1:
            keep.append(items[0])
            continue
        same = all(_form_content(f) == _form_content(first) for _, f in items[1:])
        if same:
            keep.append(items[0])
            out.extend(_form_entry(Reason.DUPLICATE_FORM, i, form,
                                   f"identical to form {items[0][0] + 1} (loaded once)",
                                   column="project_name", value=form.fields.get("project_name"))
                       for i, form in items[1:])
            continue
        for i, form in items:
            others = ", ".join(str(j + 1) for j, _ in items if j != i)
            out.append(_form_entry(Reason.DUPLICATE_FORM, i, form,
                                   f"project {project!r} is also printed as form {others} "
                                   "with different content", column="project_name",
                                   value=form.fields.get("project_name")))
    keep.sort(key=lambda item: item[0])
    return keep, out


#: Checks over several columns report every column of a failing row; keep the one that names
#: the fault.
_WIDE_CHECK_COLUMN = {"planned_end_not_before_start": "planned_end",
                      "range_low_not_above_high": "target_value_high"}


def _failures(schema: type[pa.DataFrameModel], frame: pd.DataFrame) -> tuple[pd.DataFrame,
                                                                                pd.DataFrame]:
    """(validated frame, failure cases with a positional ``index``, one per fault)."""
    try:
        return schema.validate(frame, lazy=True), pd.DataFrame(columns=["index"])
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        cases = cases[cases["index"].notna()]
        wide = cases["check"].map(_WIDE_CHECK_COLUMN)
        return exc.data, cases[wide.isna() | (wide == cases["column"])]


def _label(form: Form, field: str) -> str:
    """The label the form prints for a header field (``项目总预算``), so a person finds it."""
    return next((label.text for label in LABELS[form.layout] if label.field == field), field)


def project_entry(index: int, form: Form, case: pd.Series[Any]) -> QuarantineEntry:
    """The quarantine entry of one header value that failed its check; an amount too large for
    the warehouse is named by its label and printed value, not by the float it became."""
    column = None if case["column"] is None else str(case["column"])
    check = str(case["check"])
    reason = _PROJECT_REASONS.get(column or "", Reason.BAD_MONEY if (
        column or "").endswith("_yuan") else Reason.BAD_DATE)
    if column and check == FITS_MONEY:
        field = column.removesuffix("_yuan")
        printed = form.fields.get(field)
        unit = " 万元" if form.money_unit == "wan_yuan" else ""
        message = (f"{_label(form, field)} {printed!r}{unit} exceeds the largest amount the "
                   f"warehouse stores (10^{MONEY_DIGITS} yuan)")
        return _form_entry(reason, index, form, message, column=column, check=check,
                           value=printed)
    return _form_entry(reason, index, form, f"{column} failed {check}: {case['failure_case']!r}",
                       column=column, check=check, value=str(case["failure_case"]))


def _row_fault(row: pd.Series[Any], case: pd.Series[Any]) -> str:
    if case["check"] == FITS_NUMBER:
        return (f"target {row['target_raw']!r} exceeds the largest number the warehouse stores "
                f"(10^{NUMBER_DIGITS})")
    return f"{case['column']} failed {case['check']}: {case['failure_case']!r}"


def row_entry(row: pd.Series[Any], cases: pd.DataFrame) -> QuarantineEntry:
    """The one quarantine entry of an indicator row that failed checks (the row alone): every
    fault in the message, so a row is counted once; a target too large for the warehouse is
    named by its printed cell, not by the float it became."""
    form_index, row_index = int(row["form_index"]), int(row["row_index"])
    oversized = cases[cases["check"] == FITS_NUMBER]
    case = (oversized if len(oversized) else cases).iloc[0]
    faults = dict.fromkeys(_row_fault(row, c) for _, c in cases.iterrows())
    return QuarantineEntry(
        stage="validate",
        reason=Reason.BAD_TARGET_VALUE if len(oversized) else Reason.BAD_INDICATOR_ROW,
        message=f"form {form_index + 1} row {row_index + 1}: {'; '.join(faults)}",
        form_index=form_index, row_index=row_index,
        page=None if pd.isna(row["source_page"]) else int(row["source_page"]),
        column=None if case["column"] is None else str(case["column"]), check=str(case["check"]),
        value=str(row["target_raw"] if len(oversized) else case["failure_case"]))


def validate_forms(forms: Sequence[Form]) -> Validated:
    """Frames of every loadable form and row, plus quarantine entries for the rest."""
    candidates, quarantine = structural_checks(forms)
    candidates, dupes = duplicate_checks(candidates)
    quarantine += dupes
    frames = forms_to_frames(candidates)
    quarantine += frames.quarantine

    projects, cases = _failures(ProjectYearFrame, frames.projects)
    bad_forms: set[int] = set()
    for _, case in cases.iterrows():
        form_index = int(frames.projects.iloc[int(case["index"])]["form_index"])
        bad_forms.add(form_index)
        quarantine.append(project_entry(form_index, forms[form_index], case))

    indicators, cases = _failures(IndicatorTargetFrame, frames.indicators)
    bad_rows: set[int] = set()
    for pos, row_cases in cases.groupby(cases["index"].astype(int), sort=True):
        row = frames.indicators.iloc[int(pos)]
        if int(row["form_index"]) not in bad_forms:
            bad_rows.add(int(pos))
            quarantine.append(row_entry(row, row_cases))

    keep_rows = ~frames.indicators.index.isin(list(bad_rows))
    keep_rows &= ~frames.indicators["form_index"].isin(list(bad_forms))
    indicators = frames.indicators[keep_rows]
    emptied = set(frames.projects["form_index"]) - bad_forms - set(indicators["form_index"])
    for form_index in sorted(emptied):
        bad_forms.add(int(form_index))
        quarantine.append(_form_entry(Reason.EMPTY_INDICATOR_TABLE, int(form_index),
                                      forms[int(form_index)], "no indicator row is valid"))
    projects = frames.projects[~frames.projects["form_index"].isin(list(bad_forms))]
    projects = ProjectYearFrame.validate(projects)
    indicators = IndicatorTargetFrame.validate(indicators[indicators["form_index"].isin(
        projects["form_index"])])
    return Validated(projects=projects, indicators=indicators,
                     quarantine=with_years(quarantine, forms))


def with_years(entries: list[QuarantineEntry], forms: Sequence[Form]) -> list[QuarantineEntry]:
    """Each form or row entry carries its form's printed year, so a quarantined form can be
    found by year too (``targets-etl quarantine --year``)."""
    years: dict[int, int] = {}
    for index, form in enumerate(forms):
        with contextlib.suppress(ValueError):
            years[index] = parse_year(form.fields.get("year"))
    return [dataclasses.replace(e, year=years.get(e.form_index))
            if e.form_index is not None else e for e in entries]
