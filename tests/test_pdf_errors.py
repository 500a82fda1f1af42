"""PDF files that cannot yield a form: each ends in its own terminal error, naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib import pdfencrypt
from reportlab.pdfgen import canvas

from extractors.errors import (
    CorruptPdf,
    EncryptedPdf,
    NotATargetTable,
    NoTextLayer,
    NoUnicodeMap,
    TerminalError,
    UnknownLayout,
)
from extractors.pdf.forms import read_pdf_forms
from tests import pdf_fixtures as fx
from tests.bad_files import pdf, text_lines, write_png

SAMPLE = sorted((Path(__file__).resolve().parent.parent / "samples" / "docs").glob("s06*.pdf"))[0]

needs_fonts = pytest.mark.skipif(not fx.fonts_available(), reason="CJK fonts not installed")


def _raises(path: Path, error: type[TerminalError], reason: str) -> TerminalError:
    with pytest.raises(error) as info:
        read_pdf_forms(path)
    assert info.value.reason == reason
    assert path.name in info.value.message
    return info.value


@pytest.mark.parametrize("keep", [0.0, 0.3, 0.9, 0.999])
def test_truncated_pdf_is_corrupt(tmp_path: Path, keep: float) -> None:
    data = SAMPLE.read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: int(len(data) * keep)])
    _raises(path, CorruptPdf, "pdf_corrupt")


def test_garbage_behind_a_pdf_header_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n")
    _raises(path, CorruptPdf, "pdf_corrupt")


def test_broken_cross_reference_is_corrupt(tmp_path: Path) -> None:
    data = SAMPLE.read_bytes()
    body = data[: data.index(b"xref")]
    path = tmp_path / "noxref.pdf"
    path.write_bytes(body[: len(body) // 2] + b"\nstartxref\n999999\n%%EOF\n")
    _raises(path, CorruptPdf, "pdf_corrupt")


@needs_fonts
def test_password_protectedpdf(tmp_path: Path) -> None:
    path = pdf(tmp_path / "locked.pdf", text_lines("财政项目支出绩效目标表"),
                encrypt=pdfencrypt.StandardEncryption("secret", ownerPassword="owner"))
    err = _raises(path, EncryptedPdf, "pdf_encrypted")
    assert "password" in err.message


@needs_fonts
def test_owner_password_only_is_readable(tmp_path: Path) -> None:
    """Permissions-only encryption (empty user password) opens without a password: the file
    is then judged on its content, like any other."""
    path = pdf(tmp_path / "perm.pdf", text_lines("一份普通的通知"),
                encrypt=pdfencrypt.StandardEncryption("", ownerPassword="owner"))
    _raises(path, NotATargetTable, "not_a_target_table")


def test_shapes_only_pdf_has_no_text_layer(tmp_path: Path) -> None:
    def draw(c: canvas.Canvas) -> None:
        c.rect(72, 72, 300, 400)
        c.showPage()
        c.rect(100, 100, 50, 50, fill=1)

    err = _raises(pdf(tmp_path / "scan.pdf", draw), NoTextLayer, "pdf_no_text_layer")
    assert "OCR" in err.message


def test_image_only_pdf_has_no_text_layer(tmp_path: Path) -> None:
    from reportlab.lib.utils import ImageReader

    png = tmp_path / "page.png"
    write_png(png)

    def draw(c: canvas.Canvas) -> None:
        c.drawImage(ImageReader(str(png)), 50, 50, width=500, height=700)

    _raises(pdf(tmp_path / "image.pdf", draw), NoTextLayer, "pdf_no_text_layer")


@needs_fonts
def test_glyphs_without_unicode_map(tmp_path: Path) -> None:
    """Disable the font's ToUnicode map (same-length rename keeps the xref offsets valid):
    pdfminer then prints every glyph as ``(cid:N)``."""
    path = pdf(tmp_path / "src.pdf", text_lines("财政项目支出绩效目标表", "（2023年度）"))
    data = path.read_bytes()
    assert b"/ToUnicode" in data
    bad = tmp_path / "cid.pdf"
    bad.write_bytes(data.replace(b"/ToUnicode", b"/ToUnicodX"))
    err = _raises(bad, NoUnicodeMap, "pdf_no_unicode_map")
    assert "cid" in err.message


@needs_fonts
def test_text_without_a_form_title(tmp_path: Path) -> None:
    path = pdf(tmp_path / "letter.pdf", text_lines("关于开展年度工作的通知", "各有关单位："))
    _raises(path, NotATargetTable, "not_a_target_table")


@needs_fonts
def test_title_without_labels_or_table(tmp_path: Path) -> None:
    path = pdf(tmp_path / "title.pdf",
                text_lines("财政项目支出绩效目标表", "（2023年度）", "（无内容）"))
    _raises(path, UnknownLayout, "unknown_layout")
