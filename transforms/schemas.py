"""pandera models at the transform → warehouse boundary.

Validated lazily so every failure of a batch is reported at once; the failure cases become
quarantine entries (see ``transforms.validate``), never silently dropped rows.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa
import sqlalchemy as sa
from pandera.typing import Series

from transforms.values import MAX_YEAR, MIN_YEAR
from warehouse.schema import Money, Number

OPERATORS = ["=", ">=", "<=", ">", "<", "range"]
#: Names of the checks that keep a value inside its warehouse column (``transforms.validate``
#: words their failures).
FITS_MONEY, FITS_NUMBER = "fits_warehouse_money", "fits_warehouse_number"


def integer_digits(column_type: sa.Numeric[Any]) -> int:
    """Digits a ``NUMERIC(p, s)`` column holds before the decimal point: ``p - s``."""
    assert column_type.precision is not None and column_type.scale is not None
    return column_type.precision - column_type.scale


#: Money must stay below 10^16 yuan and target values below 10^14: a larger one is rounded
#: by SQLite and makes PostgreSQL refuse the whole file, so both are set aside here instead.
MONEY_DIGITS, NUMBER_DIGITS = integer_digits(Money), integer_digits(Number)


def fits_numeric(values: pd.Series[float], column_type: sa.Numeric[Any]) -> pd.Series[bool]:
    """Which values the column stores: rounded to its scale (as the database rounds), the
    magnitude is below ``10 ** integer_digits``. Blank values fit."""
    assert column_type.scale is not None
    limit = 10.0 ** integer_digits(column_type)
    fits: pd.Series[bool] = values.isna() | (values.abs().round(column_type.scale) < limit)
    return fits


class ProjectYearFrame(pa.DataFrameModel):
    """Grain: one form (one project in one year) of one file."""

    form_index: Series[int] = pa.Field(ge=0)
    form_page: Series[int] = pa.Field(ge=1)
    layout: Series[str] = pa.Field(isin=["shanghai", "national"])
    year: Series[int] = pa.Field(ge=MIN_YEAR, le=MAX_YEAR)
    unit_nk: Series[str] = pa.Field(str_length={"min_value": 1})
    project_nk: Series[str] = pa.Field(str_length={"min_value": 3})
    unit_name: Series[str] = pa.Field(str_length={"min_value": 1, "max_value": 200})
    supervising_dept: Series[str] = pa.Field(nullable=True, str_length={"max_value": 200})
    project_name: Series[str] = pa.Field(str_length={"min_value": 1, "max_value": 300})
    project_category: Series[str] = pa.Field(nullable=True)
    performance_type: Series[str] = pa.Field(nullable=True)
    planned_start: Series[pa.DateTime] = pa.Field(nullable=True)
    planned_end: Series[pa.DateTime] = pa.Field(nullable=True)
    includes_gov_procurement: Series[pa.BOOL] = pa.Field(nullable=True)
    total_budget_yuan: Series[float] = pa.Field(nullable=True, ge=0)
    current_year_budget_yuan: Series[float] = pa.Field(nullable=True, ge=0)
    prior_year_budget_yuan: Series[float] = pa.Field(nullable=True, ge=0)
    prior_year_executed_yuan: Series[float] = pa.Field(nullable=True, ge=0)
    fiscal_appropriation_yuan: Series[float] = pa.Field(nullable=True, ge=0)
    other_funds_yuan: Series[float] = pa.Field(nullable=True, ge=0)
    overview: Series[str] = pa.Field(nullable=True)
    basis: Series[str] = pa.Field(nullable=True)
    necessity: Series[str] = pa.Field(nullable=True)
    overall_goal: Series[str] = pa.Field(nullable=True)
    # contract v2
    unit_code: Series[str] = pa.Field(nullable=True, str_length={"max_value": 50})
    supervising_dept_code: Series[str] = pa.Field(nullable=True, str_length={"max_value": 50})
    project_attribute: Series[str] = pa.Field(nullable=True, str_length={"max_value": 100})
    project_period: Series[str] = pa.Field(nullable=True, str_length={"max_value": 100})
    long_term_goal: Series[str] = pa.Field(nullable=True)
    mid_term_budget_yuan: Series[float] = pa.Field(nullable=True, ge=0)
    carryover_yuan: Series[float] = pa.Field(nullable=True, ge=0)
    annual_budget_yuan: Series[float] = pa.Field(nullable=True, ge=0)
    measures: Series[str] = pa.Field(nullable=True)
    implementation_plan: Series[str] = pa.Field(nullable=True)
    extra_fields: Series[object] = pa.Field(nullable=False)

    @pa.dataframe_check(name="planned_end_not_before_start")
    @classmethod
    def _end_after_start(cls, df: pd.DataFrame) -> pd.Series[bool]:
        both = df["planned_start"].notna() & df["planned_end"].notna()
        ok: pd.Series[bool] = ~both | (df["planned_end"] >= df["planned_start"])
        return ok

    # annual_budget_yuan is a copy of a printed amount checked here already: one failure
    @pa.check(r"^(?!annual_budget_yuan$).*_yuan$", regex=True, name=FITS_MONEY)
    @classmethod
    def _money_fits(cls, values: pd.Series[float]) -> pd.Series[bool]:
        return fits_numeric(values, Money)

    class Config:
        strict = "filter"
        coerce = True


class IndicatorTargetFrame(pa.DataFrameModel):
    """Grain: one indicator row of one form of one file."""

    form_index: Series[int] = pa.Field(ge=0)
    row_index: Series[int] = pa.Field(ge=0)
    indicator_nk: Series[str]
    level1: Series[str] = pa.Field(str_length={"min_value": 1, "max_value": 100})
    level2: Series[str] = pa.Field(str_length={"min_value": 1, "max_value": 100})
    level3: Series[str] = pa.Field(str_length={"min_value": 1, "max_value": 300})
    level1_std: Series[str] = pa.Field(nullable=True)
    level2_std: Series[str] = pa.Field(nullable=True)
    target_raw: Series[str] = pa.Field(str_length={"min_value": 1, "max_value": 300})
    target_operator: Series[str] = pa.Field(nullable=True, isin=OPERATORS)
    target_value: Series[float] = pa.Field(nullable=True)
    target_value_high: Series[float] = pa.Field(nullable=True)
    target_unit: Series[str] = pa.Field(nullable=True, str_length={"max_value": 50})
    target_text: Series[str] = pa.Field(nullable=True)
    source_page: Series[pa.Int64] = pa.Field(nullable=True, ge=1)
    # contract v2
    period: Series[str] = pa.Field(isin=["annual", "long_term", "mid_term"])
    weight: Series[float] = pa.Field(nullable=True, ge=0)
    remarks: Series[str] = pa.Field(nullable=True)
    explanation: Series[str] = pa.Field(nullable=True)
    extra: Series[object] = pa.Field(nullable=False)

    @pa.dataframe_check(name="range_low_not_above_high")
    @classmethod
    def _range_ordered(cls, df: pd.DataFrame) -> pd.Series[bool]:
        is_range = df["target_operator"] == "range"
        ok: pd.Series[bool] = ~is_range | (df["target_value"] <= df["target_value_high"])
        return ok

    @pa.check("target_value", "target_value_high", name=FITS_NUMBER)
    @classmethod
    def _number_fits(cls, values: pd.Series[float]) -> pd.Series[bool]:
        return fits_numeric(values, Number)

    class Config:
        strict = "filter"
        coerce = True
