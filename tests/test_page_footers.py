"""One page-footer rule for every parser: whatever page-number furniture a publisher prints at
a page's foot, the forms read are the same (a `共 9 页 第 1 页` footer once became a
default-mode file's implementation plan)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.files import detect_text_style, parse_text
from extractors.vocabulary import is_page_footer
from tests.conftest import SAMPLES

FOOTERS = ["共 {n} 页 第 {i} 页", "第 {i} 页 共 {n} 页", "- {i} -", "－ {i} －", "{i}/{n}",
           "Page {i} of {n}"]
DEFAULT_MODE = sorted(p for p in (SAMPLES / "docs").glob("*.txt")
                      if detect_text_style(p.read_text(encoding="utf-8")) == "pdftotext")


def with_footers(text: str, footer: str) -> str:
    pages = text.split("\f")
    n = len(pages)
    return "\f".join(page.rstrip("\n") + "\n\n" + footer.format(i=i, n=n) + "\n\n"
                     if page.strip() else page for i, page in enumerate(pages, start=1))


@pytest.mark.parametrize("footer", FOOTERS)
def test_every_footer_form_is_page_furniture(footer: str) -> None:
    assert is_page_footer(footer.format(i=3, n=9))


@pytest.mark.parametrize("footer", FOOTERS)
@pytest.mark.parametrize("path", DEFAULT_MODE, ids=[p.name[:3] for p in DEFAULT_MODE])
def test_default_mode_forms_do_not_change_with_footers(path: Path, footer: str) -> None:
    text = path.read_text(encoding="utf-8")
    plain = parse_text(text, "pdftotext")[1]
    footed = parse_text(with_footers(text, footer), "pdftotext")[1]
    assert [f.fields for f in footed] == [f.fields for f in plain]
    assert [f.indicators for f in footed] == [f.indicators for f in plain]
