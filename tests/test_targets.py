"""The target-cell normaliser, as CONTRACT.md's tables (v1 and v2) say."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.targets import Target, normalise_target

D = Decimal


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("=100%", Target("=", D(100), None, "%", None)),
        (">=85%", Target(">=", D(85), None, "%", None)),
        ("≥85%", Target(">=", D(85), None, "%", None)),
        ("不低于85%", Target(">=", D(85), None, "%", None)),
        ("＞＝85％", Target(">=", D(85), None, "%", None)),
        ("<=10天", Target("<=", D(10), None, "天", None)),
        ("≤10天", Target("<=", D(10), None, "天", None)),
        ("不超过10天", Target("<=", D(10), None, "天", None)),
        (">=15篇", Target(">=", D(15), None, "篇", None)),
        ("2场", Target("=", D(2), None, "场", None)),
        ("100%", Target("=", D(100), None, "%", None)),
        ("4", Target("=", D(4), None, None, None)),
        ("80%-90%", Target("range", D(80), D(90), "%", None)),
        ("80%~90%", Target("range", D(80), D(90), "%", None)),
        ("84％～89％", Target("range", D(84), D(89), "%", None)),
        ("85％－92％", Target("range", D(85), D(92), "%", None)),
        (">41%", Target(">", D(41), None, "%", None)),
        (">=97.5%", Target(">=", D("97.5"), None, "%", None)),
        ("≤32微克/立方米", Target("<=", D(32), None, "微克/立方米", None)),
        ("不超过7个工作日", Target("<=", D(7), None, "个工作日", None)),
        ("＜＝145万元", Target("<=", D(145), None, "万元", None)),
        ("合理", Target(None, None, None, None, "合理")),
        ("提升", Target(None, None, None, None, "提升")),
        ("深度广度有创新", Target(None, None, None, None, "深度广度有创新")),
        ("年底前完成", Target(None, None, None, None, "年底前完成")),
        ("", Target(None, None, None, None, None)),
        # Version 2: suffixes, 约, ±, and what is not a quantity.
        ("85%以上", Target(">=", D(85), None, "%", None)),
        ("10天以内", Target("<=", D(10), None, "天", None)),
        ("5%以下", Target("<=", D(5), None, "%", None)),
        ("约500人次", Target("=", D(500), None, "人次", None)),
        ("±3%", Target("range", D(-3), D(3), "%", None)),
        ("±3%以内", Target("range", D(-3), D(3), "%", None)),
        ("1-12月", Target("range", D(1), D(12), "月", None)),
        ("资金到位率达100%", Target(None, None, None, None, "资金到位率达100%")),
        ("2025年10月底前", Target(None, None, None, None, "2025年10月底前")),
        ("12月底到位", Target(None, None, None, None, "12月底到位")),
        ("≤5%以上", Target(None, None, None, None, "≤5%以上")),
    ],
)
def test_contract_table(printed: str, expected: Target) -> None:
    assert normalise_target(printed) == expected


@pytest.mark.parametrize(
    ("printed", "operator_cell", "unit_cell", "expected"),
    [
        ("1", "≥", None, Target(">=", D(1), None, None, None)),
        ("85", " ＞＝ ", "%", Target(">=", D(85), None, "%", None)),
        ("≥85%", "≤", None, Target("<=", D(85), None, "%", None)),
        ("100", None, "%", Target("=", D(100), None, "%", None)),
        ("320", "", "人/天", Target("=", D(320), None, "人/天", None)),
        ("10天", "≤", "日", Target("<=", D(10), None, "天", None)),
        ("±3", "=", "%", Target("range", D(-3), D(3), "%", None)),
        ("100%", "定性", None, Target(None, None, None, None, "100%")),
        ("合理", "≥", "%", Target(None, None, None, None, "合理")),
        ("應保盡保", None, "%", Target(None, None, None, None, "應保盡保")),
        ("5", "正向", None, Target("=", D(5), None, None, None)),
        ("5", None, "12345", Target("=", D(5), None, None, None)),
    ],
)
def test_operator_and_unit_columns(printed: str, operator_cell: str | None,
                                   unit_cell: str | None, expected: Target) -> None:
    assert normalise_target(printed, operator_cell, unit_cell) == expected


REAL = Path(__file__).parent / "fixtures" / "real-targets" / "targets.tsv"
with REAL.open(encoding="utf-8", newline="") as _f:
    REAL_ROWS = list(csv.DictReader(_f, delimiter="\t", quoting=csv.QUOTE_NONE))


def _number(cell: str) -> Decimal | None:
    return Decimal(cell) if cell else None


def test_real_cells_are_all_there() -> None:
    assert len(REAL_ROWS) == 113


@pytest.mark.parametrize("row", REAL_ROWS, ids=[f"{n}:{r['raw'][:12]}"
                                                for n, r in enumerate(REAL_ROWS, 2)])
def test_real_cells(row: dict[str, str]) -> None:
    result = normalise_target(row["raw"], row["operator_column"] or None,
                              row["unit_column"] or None)
    assert result.operator == (row["target_operator"] or None)
    assert result.value == _number(row["target_value"])
    assert result.value_high == _number(row["target_value_high"])
    assert result.unit == (row["target_unit"] or None)
    assert result.text == (row["target_text"] or None)


def _consistent(result: Target) -> None:
    if result.operator is None:
        assert result.value is None and result.value_high is None and result.unit is None
    else:
        assert result.value is not None and result.text is None
        assert (result.value_high is not None) == (result.operator == "range")


@given(st.text())
def test_never_raises(cell: str) -> None:
    _consistent(normalise_target(cell))


@given(st.text(), st.none() | st.text() | st.sampled_from(["≥", "≤", "=", ">", "<", "定性"]),
       st.none() | st.text())
def test_never_raises_with_columns(cell: str, operator_cell: str | None,
                                   unit_cell: str | None) -> None:
    _consistent(normalise_target(cell, operator_cell, unit_cell))


_UNITS = st.sampled_from(["", "%", "篇", "人", "天", "万元", "人次", "个工作日", "微克/立方米"])
#: Units built from the contract's grammar: up to 12 characters, no digits (characters that
#: are neither operators, range separators, date words nor changed by NFKC).
_GRAMMAR_UNITS = st.text(
    alphabet="%/*个人次天元万平方米公斤亩户座条件项篇场期台套辆株头只间批kmgMLh", max_size=12)
_NUMBERS = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False,
                       allow_infinity=False)
_SPELLINGS = {
    "=": ["={n}{u}", "＝{n}{u}", "{n}{u}", "约{n}{u}"],
    ">=": [">={n}{u}", "≥{n}{u}", "不低于{n}{u}", "＞＝{n}{u}", "不少于{n}{u}", "{n}{u}以上"],
    "<=": ["<={n}{u}", "≤{n}{u}", "不超过{n}{u}", "＜＝{n}{u}", "{n}{u}以下", "{n}{u}以内"],
    ">": [">{n}{u}", "＞{n}{u}"],
    "<": ["<{n}{u}", "＜{n}{u}"],
}


@given(st.sampled_from(sorted(_SPELLINGS)), _NUMBERS, _UNITS, st.data())
def test_round_trips_every_printed_form(op: str, number: Decimal, unit: str,
                                        data: st.DataObject) -> None:
    spelling = data.draw(st.sampled_from(_SPELLINGS[op]))
    result = normalise_target(spelling.format(n=number, u=unit))
    assert result == Target(op, number, None, unit or None, None)


@given(_NUMBERS, _NUMBERS, st.sampled_from(["%", "", "分"]), st.sampled_from(["-", "~", "～"]))
def test_round_trips_ranges(low: Decimal, high: Decimal, unit: str, dash: str) -> None:
    result = normalise_target(f"{low}{unit}{dash}{high}{unit}")
    assert result == Target("range", low, high, unit or None, None)


@given(st.sampled_from(sorted(_SPELLINGS)), _NUMBERS, _GRAMMAR_UNITS, st.data())
def test_round_trips_the_grammar(op: str, number: Decimal, unit: str,
                                 data: st.DataObject) -> None:
    spelling = data.draw(st.sampled_from(_SPELLINGS[op]))
    result = normalise_target(spelling.format(n=number, u=unit))
    assert result == Target(op, number, None, unit or None, None)


@given(_NUMBERS, _GRAMMAR_UNITS, st.sampled_from(["", "以内", "以下"]))
def test_round_trips_tolerances(number: Decimal, unit: str, suffix: str) -> None:
    result = normalise_target(f"±{number}{unit}{suffix}")
    assert result == Target("range", -number, number, unit or None, None)


@given(st.sampled_from(["≥", "≤", "=", ">", "<"]), _NUMBERS, _GRAMMAR_UNITS)
def test_operator_column_round_trips(sign: str, number: Decimal, unit: str) -> None:
    expected_op = {"≥": ">=", "≤": "<="}.get(sign, sign)
    result = normalise_target(str(number), sign, unit)
    assert result == Target(expected_op, number, None, unit or None, None)
    assert normalise_target(f"{number}{unit}", "定性", unit).text == f"{number}{unit}"


_WORDS = st.text(alphabet="资金率完成项目建设宣传培训覆盖群众满意度按时", min_size=1, max_size=10)


@given(_WORDS, st.sampled_from(sorted(_SPELLINGS)), _NUMBERS, _UNITS, st.data(),
       st.sampled_from(["", "，按时完成", "的2倍"]))
def test_number_inside_a_sentence_is_qualitative(words: str, op: str, number: Decimal,
                                                 unit: str, data: st.DataObject,
                                                 tail: str) -> None:
    spelling = data.draw(st.sampled_from(_SPELLINGS[op]))
    cell = words + spelling.format(n=number, u=unit) + tail
    assert normalise_target(cell) == Target(None, None, None, None, cell)
    assert normalise_target(cell, "≥", "%") == Target(None, None, None, None, cell)


@given(st.sampled_from(["", "2025年", "每年"]), st.integers(1, 12),
       st.sampled_from(["底", "底前", "前", "初", "中旬", "底到位", "前完成"]))
def test_dates_are_qualitative(year: str, month: int, position: str) -> None:
    cell = f"{year}{month}月{position}"
    assert normalise_target(cell) == Target(None, None, None, None, cell)
