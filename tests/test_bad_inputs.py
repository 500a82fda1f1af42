"""A run over the samples plus one file of every bad kind: good files load exactly, every bad
file ends quarantined with its own reason code, and no bad file costs another one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.bad_files import make_pdf_kinds, make_text_kinds
from tests.conftest import SAMPLES
from tests.pdf_fixtures import fonts_available
from tests.support.score import read_views, score
from tests.test_warehouse import run_files
from warehouse.db import make_engine


@pytest.mark.skipif(not fonts_available(), reason="CJK fonts not installed")
def test_samples_and_every_bad_kind(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLES / "docs", inbox / "docs")
    shutil.copytree(SAMPLES / "seed", inbox / "seed")
    bad = inbox / "bad"
    bad.mkdir()
    expected = {**make_text_kinds(bad), **make_pdf_kinds(bad)}

    url = f"sqlite:///{tmp_path / 'w.db'}"
    engine = make_engine(url)
    summary = run_files(engine, [inbox])
    assert summary.files_seen == 11 + len(expected)
    assert summary.files_failed == 0

    truth = json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))
    result = score(read_views(url), truth)
    for metric in ("project", "indicator_l3"):
        assert result[metric]["f1"] == 1.0, metric
    # one s07 row's level 2 is the known miss (tests/test_golden_samples.py KNOWN_DIFFS)
    assert result["indicator"]["f1"] == pytest.approx(532 / 533)
    assert result["field_acc"] == 1.0
    assert result["normalise_acc"] == 1.0

    with engine.connect() as conn:
        docs = {Path(uri).name: status for uri, status in conn.execute(sa.text(
            "SELECT uri, status FROM dim_source_document"))}
        reasons: dict[str, set[str]] = {}
        for uri, reason in conn.execute(sa.text("SELECT source_uri, reason FROM quarantine")):
            reasons.setdefault(Path(uri).name, set()).add(reason)
    for name, reason in expected.items():
        if reason == "load":
            assert docs[name] == "loaded", name
            assert name not in reasons
        else:
            assert docs[name] == "quarantined", name
            assert reasons[name] == {reason}, name
    engine.dispose()


def test_title_without_labels_names_what_is_missing(tmp_path: Path) -> None:
    from extractors.errors import UnknownLayout
    from extractors.files import extract_file

    path = tmp_path / "title-only.txt"
    path.write_text("财政项目支出绩效目标表\n（2023年度）\n本页说明：略。\n", encoding="utf-8")
    with pytest.raises(UnknownLayout) as info:
        extract_file(path)
    assert info.value.reason == "unknown_layout"
    assert "申报单位名称" in info.value.message and "指标目标值" in info.value.message


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_text_exports_in_every_common_encoding_load(tmp_path: Path, encoding: str) -> None:
    from extractors.files import extract_file

    seed = SAMPLES / "seed" / "seed-2020-shanghai-kepu.txt"
    path = tmp_path / "export.txt"
    path.write_bytes(seed.read_text(encoding="utf-8").replace("\n", "\r\n").encode(encoding))
    doc = extract_file(path)
    assert len(doc.forms) == 4
    assert sum(len(f.indicators) for f in doc.forms) == 64


def test_binary_junk_is_undecodable(tmp_path: Path) -> None:
    from extractors.errors import UndecodableText
    from extractors.files import extract_file

    path = tmp_path / "junk.txt"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(UndecodableText):
        extract_file(path)
