"""The I/O edge of extraction: read a file's bytes, recognise its format, hand it to a parser.

Everything after the bytes are read is pure: ``decode_text`` and ``detect_text_style`` pick the
text parser, and every parser returns the same output model.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path

from extractors.errors import (
    EmptyFile,
    NotATargetTable,
    Reason,
    SourceUnreachable,
    UndecodableText,
    UnknownLayout,
    Unreadable,
)
from extractors.model import ExtractedDocument, Form, SourceFile, TextStyle
from extractors.vocabulary import LABELS, TABLE_COLUMNS, find_title, refused_title

#: Tried in order after a BOM check: GB18030 is a superset of GBK and GB2312.
TEXT_ENCODINGS = ("utf-8", "gb18030")
_LAYOUT_GAP = re.compile(r"\S {3,}\S")


def path_uri(path: Path) -> str:
    """The URI a local file is stored under: its absolute path, with bytes that are not
    UTF-8 (a name from another system's encoding) escaped so it can be stored and printed."""
    return os.fsencode(os.path.abspath(path)).decode("utf-8", "backslashreplace")


def read_source(path: Path, uri: str | None = None) -> tuple[SourceFile, bytes]:
    """The file's bytes and identity, from one read: the bytes parsed are the bytes hashed.

    A file gone since it was listed is a transient fault (the next run sees the truth); one
    that exists but cannot be read is terminal (``Unreadable``: a person has to look)."""
    uri = uri or path_uri(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise SourceUnreachable(f"{uri}: the file disappeared before it was read") from exc
    except OSError as exc:
        raise Unreadable(f"{uri}: cannot be read: {exc.strerror or exc}") from exc
    return SourceFile(uri=uri, sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data)), data


def decode_text(data: bytes) -> tuple[str, str]:
    """``(text, encoding)``: UTF-8 (with or without BOM), UTF-16 with a BOM, or
    GB18030/GBK."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise UndecodableText(f"a UTF-8 byte-order mark, then invalid UTF-8 at byte "
                                  f"{exc.start + 3}") from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise UndecodableText(f"a UTF-16 byte-order mark, then invalid UTF-16 at byte "
                                  f"{exc.start}") from exc
    if b"\x00" in data[:4096]:
        raise UndecodableText("the file holds binary data (NUL bytes), not text")
    for encoding in TEXT_ENCODINGS:
        try:
            return data.decode(encoding), "gbk" if encoding == "gb18030" else encoding
        except UnicodeDecodeError:
            continue
    raise UndecodableText("the text is neither UTF-8 nor GBK/GB18030")


def detect_text_style(text: str) -> TextStyle:
    """Which exporter made a text file: ``pdftotext -layout`` keeps columns as runs of spaces,
    ``pdftotext`` separates pages with form feeds, seed-style exports do neither."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    gapped = sum(1 for ln in lines if _LAYOUT_GAP.search(ln))
    if lines and gapped / len(lines) > 0.2:
        return "pdftotext-layout"
    return "pdftotext" if "\f" in text else "seed"


def _page_count(text: str) -> int:
    pages = text.split("\f")
    while len(pages) > 1 and not pages[-1].strip():
        pages.pop()
    return len(pages)


def parse_text(text: str, style: TextStyle) -> tuple[int, list[Form]]:
    """``(page_count, forms)`` from decoded text in a known style."""
    if style == "seed":
        from extractors.text.seed import parse_seed_text

        return parse_seed_text(text)
    parser: Callable[[str], list[Form]]
    if style == "pdftotext":
        from extractors.text.pdftotext.forms import parse_pdftotext as parser
    else:
        from extractors.text.layout.forms import parse_pdftotext_layout as parser
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    return _page_count(text), parser(text)


def _has_title(text: str) -> bool:
    return any(find_title(line) for line in text.splitlines())


def _refusal(text: str) -> tuple[Reason, str] | None:
    """(reason, title) of the first title of a table that is no target table."""
    for line in text.splitlines():
        reason = refused_title(line)
        if reason is not None:
            return reason, line.strip()
    return None


def extract_text_document(source: SourceFile, data: bytes) -> ExtractedDocument:
    text, encoding = decode_text(data)
    if not _has_title(text):
        refused = _refusal(text)
        if refused is not None:
            raise NotATargetTable(f"{source.uri}: the table titled {refused[1]!r} is no target "
                                  f"table ({refused[0]})", reason=refused[0])
        raise NotATargetTable(
            f"{source.uri}: no 财政项目支出绩效目标表 / 项目支出绩效目标表 title in the text")
    style = detect_text_style(text)
    page_count, forms = parse_text(text, style)
    if not forms:
        raise NotATargetTable(f"{source.uri}: a title was found but no form could be read")
    if not any(set(f.fields) - {"year"} or f.indicators for f in forms):
        layout = forms[0].layout
        expected = " / ".join(lb.text for lb in LABELS[layout][:3])
        raise UnknownLayout(
            f"{source.uri}: a {layout} title is printed but none of its labels ({expected} …) "
            f"nor an indicator table ({' '.join(TABLE_COLUMNS[layout])})")
    return ExtractedDocument(source=source, format="txt", page_count=page_count,
                             forms=tuple(forms), text_style=style, encoding=encoding)


def _file_name(uri: str) -> str:
    return uri.replace("\\", "/").rsplit("/", 1)[-1]


def extract_pdf_document(source: SourceFile, data: bytes) -> ExtractedDocument:
    from extractors.pdf.forms import read_pdf_forms

    page_count, forms = read_pdf_forms(data, name=_file_name(source.uri))
    if not forms:
        raise NotATargetTable(f"{source.uri}: no performance target table title in the PDF")
    return ExtractedDocument(source=source, format="pdf", page_count=page_count,
                             forms=tuple(forms))


def extract_file(path: Path) -> ExtractedDocument:
    """Read and parse one file; raises a ``TerminalError`` subclass for a file that cannot be
    loaded (the caller quarantines it) or ``SourceUnreachable`` (the caller retries)."""
    source, data = read_source(path)
    return extract_bytes(source, data)


def extract_bytes(source: SourceFile, data: bytes) -> ExtractedDocument:
    """Parse bytes already read; PDFs are recognised by their signature or name."""
    if not data.strip():
        raise EmptyFile(f"{source.uri}: the file is empty ({len(data)} bytes)")
    if data[:1024].lstrip().startswith(b"%PDF") or source.uri.lower().endswith(".pdf"):
        return extract_pdf_document(source, data)
    return extract_text_document(source, data)
