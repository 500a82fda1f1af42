"""Self-check: the truth of a generated corpus is really printed in its documents.

    python -m tests.synth.check CORPUS_DIR

PDFs: every indicator's level-3 name and target appear as cells of one row of
``page.extract_tables()`` on its source_page, and are in that page's text; names,
amounts and narrative lines appear in the document text.  Text exports: level-3 and
target appear on the source page (pdftotext pages split at form feeds, seed pages at
newline + space).  Bad inputs: reported as such.  Exits 1 on any failure.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pdfplumber


def nk(s: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))


def _pages_of_text(raw: bytes, doc: dict[str, Any]) -> list[str]:
    enc = doc["encoding"] or "utf-8"
    text = raw.decode("gbk" if enc == "gbk" else "utf-8-sig")
    text = text.replace("\r\n", "\n")
    if doc["text_style"] == "seed":
        return re.split(r"\n (?! )", text)
    return text.split("\f")


LABELS = ["项目概况：", "立项依据：", "项目设立的必要性：", "保证项目实施的制度、措施：",
          "项目实施计划：", "总目标及阶段性目标：", "年度总体目标", "项目资金(万元)",
          "项 目 概 况：", "立 项 依 据："]


def _pieces_in(s: str, text: str, n: int) -> bool:
    """s starts somewhere in text and the rest of its characters follow in order within a
    short window (for cells that wrap between other cells' text)."""
    start = text.find(s[:n])
    while start >= 0:
        pos, ok = start, True
        for ch in s:
            k = text.find(ch, pos, pos + 80)
            if k < 0:
                ok = False
                break
            pos = k + 1
        if ok:
            return True
        start = text.find(s[:n], start + 1)
    return False


def check_doc(root: Path, doc: dict[str, Any]) -> list[str]:
    path = root / doc["file"]
    errs: list[str] = []
    raw = path.read_bytes()
    if doc["expected"] == "quarantine":
        return errs
    tables: list[list[list[str]]] = []
    if doc["format"] == "pdf":
        with pdfplumber.open(path) as pdf:
            pages = [p.extract_text() or "" for p in pdf.pages]
            tables = [
                [[nk(c) for c in row] for t in p.extract_tables() for row in t]
                for p in pdf.pages
            ]
    else:
        pages = _pages_of_text(raw, doc)
    if len(pages) != doc["pages"] and not (doc["text_style"] and len(pages) == doc["pages"] + 1):
        errs.append(f"page count {len(pages)} != {doc['pages']}")
    npages = [nk(p) for p in pages]
    whole = "".join(npages)
    bare = whole
    for lab in LABELS:
        bare = bare.replace(nk(lab), "")
    for pr in doc["projects"]:
        for key in ("project_name", "unit_name", "supervising_dept"):
            v = pr[key]
            # names wrap across cells in pdftotext default mode; test pieces
            if v and nk(v) not in whole and not _pieces_in(nk(v), whole, 3):
                errs.append(f"{key} not printed: {v}")
        for key in ("overview", "basis", "necessity", "overall_goal"):
            v = pr[key]
            for para in (v or "").split("\n"):
                for i in range(0, len(para), 20):
                    piece = nk(para[i:i + 8])
                    if piece and piece not in bare:
                        errs.append(f"{key} piece not printed: {piece}")
                        break
        for key in ("total_budget_yuan", "fiscal_appropriation_yuan"):
            v = pr[key]
            if v is None:
                continue
            s = f"{int(v):,}" if doc["layout"] == "shanghai" else f"{v / 10000:.2f}"
            if s not in whole:
                errs.append(f"{key} {s} not printed")
        for ind in pr["indicators"]:
            pg = ind["source_page"]
            l3, tg = nk(ind["level3"]), nk(ind["target_raw"])
            text = npages[pg - 1] if 0 < pg <= len(npages) else ""
            if l3 not in text and not _pieces_in(l3, text, 4):
                errs.append(f"p{pg}: level3 {ind['level3']} not on page")
            if tg not in text and not _pieces_in(tg, text, 4):
                errs.append(f"p{pg}: target {ind['target_raw']} not on page")
            if tables:
                rows = tables[pg - 1]
                if not any(l3 in row and tg in row and row.index(l3) < row.index(tg)
                           for row in rows):
                    errs.append(f"p{pg}: no table row with cells [{l3}] [{tg}]")
    return errs


def main(argv: list[str] | None = None) -> int:
    root = Path((argv or sys.argv[1:])[0])
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    bad = 0
    n_ind = 0
    for doc in truth["documents"]:
        errs = check_doc(root, doc)
        n_ind += sum(len(p["indicators"]) for p in doc["projects"])
        status = "OK " if not errs else "ERR"
        print(f"{status} {doc['file']} ({doc['expected']}, {len(errs)} problems)")
        for e in errs[:8]:
            print("     ", e)
        bad += bool(errs)
    print(f"{len(truth['documents'])} documents, {n_ind} indicators, {bad} with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
