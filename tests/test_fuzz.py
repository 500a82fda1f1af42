"""Fuzzing: mutated text exports and PDFs never crash a run and never load a partial form.

Every mutated file ends loaded or quarantined; for every form that loads, each indicator row
the extractor read is either loaded or quarantined with a reason (never silently lost).
Deterministic (derandomized hypothesis) and bounded, so CI runs it in well under a minute.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.errors import TerminalError
from extractors.files import extract_bytes
from extractors.model import SourceFile
from flows.pipeline import Prepared
from tests.conftest import SAMPLES
from transforms.validate import validate_forms

TEXTS = [SAMPLES / "seed" / "seed-2020-shanghai-kepu.txt",
         *sorted((SAMPLES / "docs").glob("s0[3489]_*.txt"))]
PDF = sorted((SAMPLES / "docs").glob("s06_*.pdf"))[0]
FUZZ = settings(derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def mutations(draw: st.DrawFn, data: bytes) -> bytes:
    """Flip, delete, insert, duplicate or truncate a few spans of ``data``."""
    out = bytearray(data)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(st.sampled_from(["flip", "delete", "insert", "duplicate", "truncate"]))
        at = draw(st.integers(min_value=0, max_value=max(0, len(out) - 1)))
        size = draw(st.integers(min_value=1, max_value=200))
        if kind == "flip":
            for i in range(at, min(len(out), at + size // 20 + 1)):
                out[i] = draw(st.integers(min_value=0, max_value=255))
        elif kind == "delete":
            del out[at:at + size]
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=size))
        elif kind == "duplicate":
            out[at:at] = out[at:at + size]
        else:
            del out[at:]
    return bytes(out)


def prepare_bytes(data: bytes, path: Path) -> Prepared:
    """What the pipeline does with one file's bytes, minus the disk."""
    source = SourceFile(uri=str(path), sha256="0" * 64, size_bytes=len(data))
    try:
        doc = extract_bytes(source, data)
    except TerminalError:
        return Prepared(uri=str(path), source=source)
    return Prepared(uri=str(path), source=source, document=doc,
                    validated=validate_forms(doc.forms))


def assert_whole_or_accounted(item: Prepared) -> None:
    if item.document is None:
        return
    assert item.validated is not None
    loaded = Counter(int(i) for i in item.validated.indicators["form_index"])
    row_entries = Counter(e.form_index for e in item.validated.quarantine if e.scope == "row")
    form_entries = {e.form_index for e in item.validated.quarantine if e.scope == "form"}
    for index, form in enumerate(item.document.forms):
        if index in set(item.validated.projects["form_index"]):
            assert loaded[index] + row_entries[index] == len(form.indicators), index
        else:
            assert index in form_entries, f"form {index + 1} vanished without a reason"


@settings(FUZZ, max_examples=300)
@given(st.sampled_from(TEXTS).flatmap(lambda p: st.tuples(st.just(p),
                                                          mutations(p.read_bytes()))))
def test_mutated_text_exports(case: tuple[Path, bytes]) -> None:
    path, data = case
    assert_whole_or_accounted(prepare_bytes(data, path))


@settings(FUZZ, max_examples=100)
@given(mutations(PDF.read_bytes()))
def test_mutated_pdfs(data: bytes) -> None:
    assert_whole_or_accounted(prepare_bytes(data, PDF))
