"""One file of every kind a nightly run must survive, and the reason code each must get.

Built at test time from the shipped samples (text kinds) and with reportlab (PDF kinds), so
the suite needs no binary fixtures.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

from reportlab.lib import pdfencrypt
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tests import pdf_fixtures as fx

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SEED = SAMPLES / "seed" / "seed-2020-shanghai-kepu.txt"
NATIONAL_PDF = sorted((SAMPLES / "docs").glob("s06*.pdf"))[0]


def pdf(path: Path, draw: Callable[[canvas.Canvas], None], **kwargs: object) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1, **kwargs)
    draw(c)
    c.save()
    return path


def text_lines(*lines: str) -> Callable[[canvas.Canvas], None]:
    def draw(c: canvas.Canvas) -> None:
        fx._register()
        c.setFont(fx.BODY, 12)
        for i, line in enumerate(lines):
            c.drawString(72, 760 - 20 * i, line)
    return draw


def write_png(path: Path) -> None:
    """A tiny grey PNG, written by hand so the tests need no imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    raw = b"".join(b"\x00" + b"\x80" * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _seed_form(n: int) -> str:
    """The n-th form (0-based) of the seed export, as text."""
    text = SEED.read_text(encoding="utf-8")
    starts = [i for i, line in enumerate(text.split("\n")) if "财政项目支出绩效目标表" in line]
    lines = text.split("\n")
    end = starts[n + 1] if n + 1 < len(starts) else len(lines)
    return "\n".join(lines[starts[n]:end]).lstrip() + "\n"


def make_text_kinds(folder: Path) -> dict[str, str]:
    """Bad and awkward text exports; returns ``file name → expected reason`` (``"load"`` for
    files that must load)."""
    form = _seed_form(0)
    cases = {
        "zero-bytes.txt": (b"", "empty_file"),
        "meeting-minutes.txt": ("会议纪要\n今天讨论了明年的工作安排。\n".encode(),
                                "not_a_target_table"),
        "gbk-export.txt": (_seed_form(2).encode("gb18030"), "load"),
        "no-target-column.txt": (form.replace("一级目标 二级目标 三级目标 指标目标值",
                                              "一级目标 二级目标 三级目标").encode(),
                                 "no_target_column"),
        "empty-table.txt": (form.split("一级目标 二级目标 三级目标 指标目标值")[0].encode()
                            + "一级目标 二级目标 三级目标 指标目标值\n".encode(),
                            "empty_indicator_table"),
        "same-form-twice.txt": (
            (form + " " + form.replace("社会影响力 提升", "社会影响力 显著提升")).encode(),
            "duplicate_form"),
        "impossible-year.txt": (form.replace("（2020年度）", "（2920年度）").encode(), "bad_year"),
        "missing-year.txt": (form.replace("（2020年度）", "").replace("2020年绩效目标", "绩效目标")
                             .encode(), "bad_year"),
        "bad-money.txt": (form.replace("项目总预算（元）： 180,000", "项目总预算（元）： 十八万")
                          .encode(), "bad_money"),
    }
    for name, (data, _) in cases.items():
        (folder / name).write_bytes(data)
    return {name: reason for name, (_, reason) in cases.items()}


def make_pdf_kinds(folder: Path) -> dict[str, str]:
    """Bad PDFs; returns ``file name → expected reason``."""
    data = NATIONAL_PDF.read_bytes()
    (folder / "truncated.pdf").write_bytes(data[: len(data) // 2])
    pdf(folder / "encrypted.pdf", text_lines("财政项目支出绩效目标表"),
        encrypt=pdfencrypt.StandardEncryption("secret", ownerPassword="owner"))
    png = folder / "page.png"
    write_png(png)

    def image_page(c: canvas.Canvas) -> None:
        from reportlab.lib.utils import ImageReader

        c.drawImage(ImageReader(str(png)), 50, 50, width=500, height=700)

    pdf(folder / "scanned.pdf", image_page)
    png.unlink()
    src = pdf(folder / "src.pdf", text_lines("财政项目支出绩效目标表", "（2023年度）"))
    (folder / "cid-glyphs.pdf").write_bytes(src.read_bytes().replace(b"/ToUnicode",
                                                                     b"/ToUnicodX"))
    src.unlink()
    return {"truncated.pdf": "pdf_corrupt", "encrypted.pdf": "pdf_encrypted",
            "scanned.pdf": "pdf_no_text_layer", "cid-glyphs.pdf": "pdf_no_unicode_map"}


def decompression_bomb_pdf(path: Path, expanded_mb: int = 1024) -> Path:
    """A well-formed one-page PDF whose page ``/Contents`` is ``expanded_mb`` MB of spaces,
    FlateDecoded to about a thousandth of that.

    pdfminer inflates a content stream in one ``zlib.decompress`` before interpreting it, so
    reading the page needs the whole expansion in memory at once (1 GB expanded: 2.2 GB peak
    RSS, 12 s): what a worker's memory cap has to stop. One megabyte of spaces is deflated once
    with a full flush (which makes the compressed block independent of what came before) and
    that block written ``expanded_mb`` times, so making the bomb takes a megabyte and well
    under a second."""
    chunk = b" " * (1 << 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: the zlib frame is ours
    block = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    last = deflate.flush()
    checksum = 1
    for _ in range(expanded_mb):
        checksum = zlib.adler32(chunk, checksum)
    length = 2 + len(block) * expanded_mb + len(last) + 4
    with path.open("wb") as fh:
        offsets: list[int] = []

        def obj(body: bytes) -> None:
            offsets.append(fh.tell())
            fh.write(b"%d 0 obj\n" % len(offsets) + body + b"\nendobj\n")

        fh.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        obj(b"<< /Type /Catalog /Pages 2 0 R >>")
        obj(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
        obj(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> "
            b"/Contents 4 0 R >>")
        offsets.append(fh.tell())
        fh.write(b"4 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n\x78\xda" % length)
        for _ in range(expanded_mb):
            fh.write(block)
        fh.write(last + struct.pack(">I", checksum) + b"\nendstream\nendobj\n")
        xref = fh.tell()
        fh.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
        fh.write(b"".join(b"%010d 00000 n \n" % off for off in offsets))
        fh.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
                 % (len(offsets) + 1, xref))
    return path
