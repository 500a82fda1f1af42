"""The exact level search: partitions that predict the printed labels win."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.text.pdftotext.level_search import SAME_PARAGRAPH, Printed, solve_page

SH = "shanghai"


def tops(n: int) -> tuple[float, ...]:
    return tuple(float(2 * i) for i in range(n + 1))


def test_paragraph_breaks_pin_the_groups() -> None:
    # 投入管理 rows 0-2 (centre 3), 财务管理 rows 3-5 (centre 9), 投入与管理 rows 0-9 (centre 10,
    # one pitch below: same paragraph), 实施管理 rows 6-9 (centre 16)
    printed = [
        Printed(2, "投入管理", 1, 10), Printed(2, "财务管理", 2, 10),
        Printed(1, "投入与管理", 2, 10), Printed(2, "实施管理", 3, 10),
    ]
    levels = solve_page(tops(10), printed, SH, (None, None), continuation=False)
    assert levels is not None
    assert [lv[1] for lv in levels] == ["投入管理"] * 3 + ["财务管理"] * 3 + ["实施管理"] * 4
    assert {lv[0] for lv in levels} == {"投入与管理"}


def test_inline_label_sits_on_its_row() -> None:
    printed = [Printed(2, "数量", 1, 4), Printed(2, "时效", None, 3, row=3),
               Printed(1, "产出目标", 1, 4)]
    levels = solve_page(tops(4), printed, SH, (None, None), continuation=False)
    assert levels is not None
    assert [lv[1] for lv in levels] == ["数量"] * 3 + ["时效"]


def test_rows_above_the_first_label_continue_the_previous_page() -> None:
    printed = [Printed(2, "质量", None, 2, row=2)]
    levels = solve_page(tops(3), printed, SH, ("产出目标", "数量"), continuation=True)
    assert levels == [("产出目标", "数量")] * 2 + [("产出目标", "质量")]


def test_adjacent_labels_come_out_top_to_bottom_whatever_their_level() -> None:
    """The s03 page-2 print: nine deferred labels after 19 rows, the last five rows carrying
    inline labels. 实施管理 over rows 6-9 and 数量 on row 10 is the answer; 实施管理 over
    rows 6-7 and 数量 over rows 8-10 would be more even and fits every paragraph, but puts
    the 投入与管理 label (printed after 财务管理, in its paragraph) above 财务管理."""
    printed = [
        Printed(2, "投入管理", 80, 19), Printed(2, "财务管理", 81, 19),
        Printed(1, "投入与管理", 81, 19), Printed(2, "实施管理", 82, 19),
        Printed(2, "数量", 83, 19), Printed(2, "质量", 84, 19), Printed(1, "产出目标", 84, 19),
        Printed(1, "效果目标", 85, 19), Printed(1, "影响力目标", 85, 19),
        *(Printed(2, t, None, r, row=r) for t, r in
          (("时效", 14), ("成本", 15), ("社会效益", 16), ("长效管理", 17), ("档案管理", 18))),
    ]
    levels = solve_page(tops(19), printed, SH, (None, None), continuation=False)
    assert levels is not None
    sizes = [(name, len(list(g))) for name, g in itertools.groupby(lv[1] for lv in levels)]
    assert sizes[:5] == [("投入管理", 3), ("财务管理", 3), ("实施管理", 4), ("数量", 1),
                         ("质量", 3)]
    assert levels[9][0] == "投入与管理" and levels[10][0] == "产出目标"


def test_a_national_label_is_printed_among_its_rows() -> None:
    """National pages print a label among the rows, after a row of its group (or right
    after the group's last row): that outranks even sizes; Shanghai pages do not use it."""
    printed = [Printed(2, "数量指标", 1, 0), Printed(2, "质量指标", 2, 1)]
    national = solve_page(tops(5), printed, "national", (None, None), continuation=False)
    assert national is not None
    assert [lv[1] for lv in national] == ["数量指标"] + ["质量指标"] * 4
    shanghai = [Printed(2, "数量", 1, 0), Printed(2, "质量", 2, 1)]
    levels = solve_page(tops(5), shanghai, SH, (None, None), continuation=False)
    assert levels is not None
    assert [lv[1] for lv in levels] == ["数量"] * 2 + ["质量"] * 3


def test_impossible_pages_return_none() -> None:
    two_on_one_row = [Printed(2, "数量", None, 0, row=0), Printed(2, "质量", None, 0, row=0)]
    assert solve_page(tops(2), two_on_one_row, SH, (None, None), False) is None


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=4), min_size=2, max_size=5))
def test_recovers_groups_from_their_own_printed_model(sizes: list[int]) -> None:
    """Print a partition the way the model says pdftotext does, then solve it back: the
    answer must explain the print exactly (it may be another partition only when that one
    predicts the same print)."""
    names = ["数量", "质量", "时效", "成本", "社会效益"][: len(sizes)]
    bounds = [0, *itertools.accumulate(sizes)]
    centres = [(2 * a + 2 * b) / 2 for a, b in itertools.pairwise(bounds)]
    paragraph, printed = 0, []
    for i, (name, c) in enumerate(zip(names, centres, strict=True)):
        if i and not SAME_PARAGRAPH[0] <= c - centres[i - 1] <= SAME_PARAGRAPH[1]:
            paragraph += 1
        printed.append(Printed(2, name, paragraph, bounds[-1]))
    levels = solve_page(tops(bounds[-1]), printed, SH, (None, None), continuation=False)
    assert levels is not None
    got = [len(list(g)) for _, g in itertools.groupby(lv[1] for lv in levels)]
    got_centres = [(2 * a + 2 * b) / 2 for a, b in itertools.pairwise(
        [0, *itertools.accumulate(got)])]
    for i in range(1, len(got)):
        same = SAME_PARAGRAPH[0] <= got_centres[i] - got_centres[i - 1] <= SAME_PARAGRAPH[1]
        assert same == (printed[i].paragraph == printed[i - 1].paragraph)
