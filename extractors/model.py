"""The format-neutral output model: what every extractor yields, whatever the file format.

PDF extraction and every text-export parser end in these records, so transforms and the
warehouse never branch on the file format. Values are *as printed*: a line break inside a
cell or a narrative is kept as ``"\\n"`` (transforms repair wraps), money is the printed
string, dates are the printed string. Only structure is decided here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Layout = Literal["shanghai", "national"]
FileFormat = Literal["pdf", "txt"]
TextStyle = Literal["seed", "pdftotext", "pdftotext-layout"]
MoneyUnit = Literal["yuan", "wan_yuan"]
#: The block or column block an indicator row was printed in (contract v2 ``period``).
Period = Literal["annual", "long_term", "mid_term"]
#: Printed label (or column heading) → printed value, in print order: what the contract's
#: ``extra_fields`` / ``extra`` keep so nothing printed is lost.
Extra = tuple[tuple[str, str], ...]

#: Header fields a form may carry, by canonical name (the contract's column names without
#: the ``_yuan`` suffix for money). Extractors put the printed value under these keys.
HEADER_FIELDS: tuple[str, ...] = (
    "year",
    "unit_name",
    "supervising_dept",
    "project_name",
    "project_category",
    "performance_type",
    "planned_start",
    "planned_end",
    "includes_gov_procurement",
    "total_budget",
    "current_year_budget",
    "prior_year_budget",
    "prior_year_executed",
    "fiscal_appropriation",
    "other_funds",
    "overview",
    "basis",
    "necessity",
    "measures",
    "implementation_plan",
    "overall_goal",
    # contract v2
    "unit_code",
    "supervising_dept_code",
    "project_attribute",
    "project_period",
    "long_term_goal",
    "mid_term_budget",
    "carryover",
)


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """One row of a form's indicator table, merged level cells already filled down.

    ``level1``/``level2`` are ``None`` only when the file does not let us know them (the
    transform quarantines such rows rather than guess silently).
    """

    level1: str | None
    level2: str | None
    level3: str
    target_raw: str
    page: int | None  # 1-based page of the file where the level-3 cell is printed
    period: Period = "annual"
    #: The row's operator column (指标性质 / 指标方向) and unit column (计量单位), as printed
    operator_cell: str | None = None
    unit_cell: str | None = None
    weight: str | None = None  # 分值 / 权重, as printed
    remarks: str | None = None  # 备注
    explanation: str | None = None  # 指标说明 / 绩效标准 / 评分标准
    extra: Extra = ()  # any other printed column: heading → cell


@dataclass(frozen=True, slots=True)
class Form:
    """One performance target table (one project in one year) found in a file.

    ``fields`` maps canonical names from :data:`HEADER_FIELDS` to the printed value; a key is
    absent when the label was not printed, and maps to ``""`` when the label was printed with an
    empty value.
    """

    layout: Layout
    page: int  # 1-based page where the form's title is printed
    fields: dict[str, str]
    indicators: tuple[IndicatorRow, ...]
    money_unit: MoneyUnit = "yuan"
    #: True when a target column header (指标目标值 / 指标值) was found
    has_target_column: bool = True
    #: Problems the extractor noticed but could work around, for the run log
    notes: tuple[str, ...] = field(default=())
    #: Every other printed header label (colon removed) → its value
    extra_fields: Extra = ()


@dataclass(frozen=True, slots=True)
class SourceFile:
    """Identity of a file as read: where it came from and what its bytes were."""

    uri: str
    sha256: str
    size_bytes: int


@dataclass(frozen=True, slots=True)
class ExtractedDocument:
    """Everything extraction learned from one file."""

    source: SourceFile
    format: FileFormat
    page_count: int
    forms: tuple[Form, ...]
    text_style: TextStyle | None = None
    encoding: str | None = None
