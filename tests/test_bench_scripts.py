"""The benchmark scripts stay runnable: ``tests/bench/pdf_speed.py --check`` compares the
glyphs and cell boxes the PDF reader copies with plain pdfplumber's, page by page (a real
check, run on the samples' PDFs; the timing runs are not tests)."""

from __future__ import annotations

import pytest

from tests.bench import pdf_speed
from tests.conftest import SAMPLES


def test_pdf_speed_check_finds_every_page_equal(capsys: pytest.CaptureFixture[str]) -> None:
    assert pdf_speed.main(["--check", str(SAMPLES / "docs")]) == 0
    out = capsys.readouterr().out
    assert "0 differ" in out
