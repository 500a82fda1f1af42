"""Characters that print nothing never split a name, a key or a terminal line.

A zero-width space or a BOM inside 上海市X中心 used to make a second unit; an escape sequence
in a file name used to reach the terminal. Names and keys drop them; ``printable`` shows them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.model import Form, IndicatorRow
from transforms.text import drop_invisible, join_cell, join_paragraphs, key, printable, tidy_line
from transforms.validate import validate_forms
from transforms.values import parse_money

#: What the audit found, and its relatives: zero-width, soft hyphen, bidi controls, C0/C1.
INVISIBLES = (
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",
    "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
    "\u2066", "\u2067", "\u2068", "\u2069", "\u061c", "\u180e", "\U000e0001",
    "\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b",
)
UNPRINTABLE = ("Cc", "Cf", "Cs", "Zl", "Zp")

names = st.text(st.characters(exclude_categories=("Cc", "Cf", "Cs")), max_size=30)
cjk_names = st.text(st.sampled_from("上海市科普教育展示技术中心（）项目 2020-AB·"), max_size=30)
invisibles = st.one_of(st.sampled_from(INVISIBLES), st.characters(categories=("Cf", "Cc")))
anything = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)


def _is_hidden(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf")


def _unprintable(text: str) -> list[str]:
    return [ch for ch in text if unicodedata.category(ch) in UNPRINTABLE]


@st.composite
def _with_invisibles(draw: st.DrawFn, clean: st.SearchStrategy[str]) -> tuple[str, str]:
    """``(clean, the same with invisible characters inserted anywhere)``."""
    text = draw(clean)
    inserts = draw(st.lists(st.tuples(st.integers(0, len(text)), invisibles), max_size=8))
    dirty = list(text)
    for at, ch in sorted(inserts, reverse=True):
        dirty.insert(at, ch)
    return text, "".join(dirty)


@pytest.mark.parametrize("ch", INVISIBLES)
def test_an_invisible_character_does_not_make_another_name(ch: str) -> None:
    name = "上海市X中心"
    assert key(f"{ch}上海市{ch}X中心{ch}") == key(name) == "上海市X中心"
    assert tidy_line(f"{ch}上海市{ch}X中心{ch}") == name
    assert join_cell(f"上海市{ch}\nX中心{ch}") == name


def test_invisibles_between_a_letter_and_its_accent_do_not_block_nfkc() -> None:
    assert key("e\u200b\u0301") == key("é") == "é"


def test_tabs_and_newlines_stay_layout() -> None:
    assert drop_invisible("a\tb\nc\x00") == "a\tb\nc"
    assert tidy_line("Smart\u200b\tCity\n中心") == "Smart City中心"
    assert join_paragraphs("第一段。\u200b\n第二\ufeff段") == "第一段。第二段"


def test_money_and_names_read_through_invisibles() -> None:
    assert parse_money("\ufeff180,\u200b000", unit="yuan") == 180000


def test_one_project_whatever_the_zero_width_characters() -> None:
    clean = Form(layout="shanghai", page=1,
                 fields={"year": "2021", "unit_name": "上海市X中心", "project_name": "某某项目"},
                 indicators=(IndicatorRow("产出目标", "数量", "场次", ">=3场", 1),))
    dirty = replace(clean, page=2, fields={
        **clean.fields, "unit_name": "上海市\u200bX中心\ufeff", "project_name": "\u2060某某项目"})
    v = validate_forms([clean, dirty])
    assert len(v.projects) == 1
    assert [(e.reason, e.form_index) for e in v.quarantine] == [("duplicate_form", 1)]
    alone = validate_forms([dirty]).projects.iloc[0]
    assert (alone["unit_name"], alone["project_name"]) == ("上海市X中心", "某某项目")


@pytest.mark.parametrize(("raw", "shown"), [
    ("\x1b[2J", "\\x1b[2J"),
    ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
    ("a\x00b\x7fc\x9b", "a\\x00b\\x7fc\\x9b"),
    ("报告\u202eftp.exe", "报告\\u202eftp.exe"),
    ("x\u200by\ufeff", "x\\u200by\\ufeff"),
    ("one\ntwo\tthree\r", "one\\x0atwo\\x09three\\x0d"),
    ("\u2028\U000e0041", "\\u2028\\U000e0041"),
    ("\ud800", "\\ud800"),
    ("上海市科普教育展示技术中心（2020）.pdf", "上海市科普教育展示技术中心（2020）.pdf"),
    ("C:\\data\\2020 表.txt", "C:\\data\\2020 表.txt"),
])
def test_printable_shows_what_would_act_on_the_terminal(raw: str, shown: str) -> None:
    assert printable(raw) == shown


@given(_with_invisibles(names))
def test_key_ignores_any_mix_of_invisible_characters(pair: tuple[str, str]) -> None:
    clean, dirty = pair
    assert key(dirty) == key(clean)


@given(_with_invisibles(cjk_names))
def test_tidy_text_ignores_any_mix_of_invisible_characters(pair: tuple[str, str]) -> None:
    clean, dirty = pair
    assert tidy_line(dirty) == tidy_line(clean)
    assert join_cell(dirty) == join_cell(clean)


@given(anything)
def test_tidy_text_never_keeps_a_format_or_control_character(text: str) -> None:
    for tidy in (tidy_line(text), join_cell(text) or "", key(text)):
        assert not [ch for ch in tidy if _is_hidden(ch)]
    paragraphs = join_paragraphs(text) or ""
    assert not [ch for ch in paragraphs if _is_hidden(ch) and ch != "\n"]


@given(st.text(st.one_of(st.characters(), st.characters(categories=["Cs"])), max_size=60))
def test_printable_output_prints_and_is_stable(text: str) -> None:
    shown = printable(text)
    assert _unprintable(shown) == []
    assert printable(shown) == shown
    assert len(shown) >= len(text)


@given(st.text(st.characters(exclude_categories=["Cc", "Cf", "Cs", "Zl", "Zp"]), max_size=60))
def test_printable_keeps_plain_text(text: str) -> None:
    assert printable(text) == text
