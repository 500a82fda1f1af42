"""pandera models at the transform → warehouse boundary.

Validated lazily so every failure of a batch is reported at once; the failure cases become
quarantine entries (see ``transforms.validate``), never silently dropped rows.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from transforms.values import MAX_YEAR, MIN_YEAR

OPERATORS = ["=", ">=", "<=", ">", "<", "range"]


class ProjectYearFrame(pa.DataFrameModel):
    """Grain: one form (one project in one year) of one file."""

    form_index: Series[int] = pa.Field(ge=0)
    form_page: Series[int] = pa.Field(ge=1)
    layout: Series[str] = pa.Field(isin=["shanghai", "national"])
    year: Series[int] = pa.Field(ge=MIN_YEAR, le=MAX_YEAR)
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

    @pa.dataframe_check(name="planned_end_not_before_start")
    @classmethod
    def _end_after_start(cls, df: pd.DataFrame) -> pd.Series[bool]:
        both = df["planned_start"].notna() & df["planned_end"].notna()
        ok: pd.Series[bool] = ~both | (df["planned_end"] >= df["planned_start"])
        return ok

    class Config:
        strict = "filter"
        coerce = True


class IndicatorTargetFrame(pa.DataFrameModel):
    """Grain: one indicator row of one form of one file."""

    form_index: Series[int] = pa.Field(ge=0)
    row_index: Series[int] = pa.Field(ge=0)
    level1: Series[str] = pa.Field(str_length={"min_value": 1, "max_value": 100})
    level2: Series[str] = pa.Field(str_length={"min_value": 1, "max_value": 100})
    level3: Series[str] = pa.Field(str_length={"min_value": 1, "max_value": 300})
    target_raw: Series[str] = pa.Field(str_length={"min_value": 1, "max_value": 300})
    target_operator: Series[str] = pa.Field(nullable=True, isin=OPERATORS)
    target_value: Series[float] = pa.Field(nullable=True)
    target_value_high: Series[float] = pa.Field(nullable=True)
    target_unit: Series[str] = pa.Field(nullable=True, str_length={"max_value": 50})
    target_text: Series[str] = pa.Field(nullable=True)
    source_page: Series[pa.Int64] = pa.Field(nullable=True, ge=1)

    @pa.dataframe_check(name="range_low_not_above_high")
    @classmethod
    def _range_ordered(cls, df: pd.DataFrame) -> pd.Series[bool]:
        is_range = df["target_operator"] == "range"
        ok: pd.Series[bool] = ~is_range | (df["target_value"] <= df["target_value_high"])
        return ok

    class Config:
        strict = "filter"
        coerce = True
