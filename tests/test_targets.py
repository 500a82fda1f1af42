"""The target-cell normaliser, as CONTRACT.md's table says."""

from __future__ import annotations

from decimal import Decimal

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
    ],
)
def test_contract_table(printed: str, expected: Target) -> None:
    assert normalise_target(printed) == expected


@given(st.text())
def test_never_raises(cell: str) -> None:
    result = normalise_target(cell)
    if result.operator is None:
        assert result.value is None and result.unit is None
    else:
        assert result.value is not None and result.text is None


_UNITS = st.sampled_from(["", "%", "篇", "人", "天", "万元", "人次", "个工作日", "微克/立方米"])
_NUMBERS = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False,
                       allow_infinity=False)
_SPELLINGS = {
    "=": ["={n}{u}", "＝{n}{u}", "{n}{u}"],
    ">=": [">={n}{u}", "≥{n}{u}", "不低于{n}{u}", "＞＝{n}{u}", "不少于{n}{u}"],
    "<=": ["<={n}{u}", "≤{n}{u}", "不超过{n}{u}", "＜＝{n}{u}"],
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
