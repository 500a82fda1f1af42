"""Text taller than its cell goes back to its cell (extractors/pdf/overflow.py)."""

from __future__ import annotations

from pathlib import Path

from extractors.files import extract_file
from extractors.pdf.grid import Box, Glyph, glyphs_text
from extractors.pdf.overflow import crossing_cells, regroup_overflow
from extractors.pdf.settings import PdfSettings
from tests.support.truth import diff_forms, load_truth

SETTINGS = PdfSettings()


def _line(text: str, top: float, x0: float = 95.0) -> list[Glyph]:
    return [Glyph(ch, x0 + 10 * i, x0 + 10 * i + 10, top, top + 10, 10.0)
            for i, ch in enumerate(text)]


def _text(glyphs: list[Glyph]) -> str:
    return glyphs_text(glyphs, SETTINGS)


ABOVE: Box = (90.0, 709.8, 150.0, 753.6)
CUT: Box = (90.0, 753.6, 150.0, 787.9)  # the last row of a page, its merged cell cut there


def test_a_label_centred_over_a_cell_too_short_for_it_is_given_back_whole() -> None:
    """Five lines at one pitch centred on a one-row cell: the first prints in the cell
    above (across its rule), the last below the table. The label is the short cell's."""
    own = [*_line("可持续", 714.9), *_line("影响指", 727.3), *_line("标", 739.7)]
    cells = {ABOVE: [*own, *_line("社会公", 745.9)],
             CUT: [*_line("众或服", 756.1), *_line("务对象", 766.3), *_line("满意度", 776.5)]}
    below = _line("指标", 786.7)
    assert crossing_cells(cells) == [ABOVE]
    fixed, taken = regroup_overflow(cells, below, SETTINGS.line_overlap)
    assert _text(fixed[ABOVE]) == "可持续\n影响指\n标"
    assert _text(fixed[CUT]) == "社会公\n众或服\n务对象\n满意度\n指标"
    assert taken == set(below)


def test_text_that_fits_its_cell_stays_however_tall_its_glyphs() -> None:
    """A glyph box taller than the padding crosses the rule, but the lines are the cell's
    own: nothing moves."""
    tall = [Glyph("≥", 95.0, 101.0, 708.0, 722.0, 10.0), *_line("97%", 710.0, 101.0)]
    cells = {ABOVE: [*tall, *_line("以上", 722.4)], CUT: _line("长效管护机制", 765.0)}
    assert crossing_cells(cells) == [ABOVE]
    fixed, taken = regroup_overflow(cells, [], SETTINGS.line_overlap)
    assert fixed == cells
    assert not taken


def test_cells_whose_text_fits_are_left_alone() -> None:
    cells = {ABOVE: _line("数量指标", 725.0), CUT: _line("质量指标", 765.0)}
    assert crossing_cells(cells) == []
    assert regroup_overflow(cells, _line("指标", 790.0), SETTINGS.line_overlap) == (cells, set())


FIXTURE = Path(__file__).parent / "fixtures" / "overflow"


def test_a_document_whose_level_label_runs_over_a_page_break_reads_exactly() -> None:
    """Golden: the generated F4 PDF that showed the fault (社会公 read into the cell above,
    指标 lost below the table) extracts exactly."""
    truth = load_truth(FIXTURE / "truth.json")
    (name, entry), = truth.items()
    doc = extract_file(FIXTURE / name)
    assert [d for d in diff_forms(doc.forms, entry["projects"]) if " planned_" not in d] == []
