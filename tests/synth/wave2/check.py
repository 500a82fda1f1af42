"""Self-check of a generated wave-2 corpus: the truth is what the documents print.

    python -m tests.synth.wave2.check CORPUS_DIR

For every loadable document: the page count; project name, units, departments, money,
goals and extra_fields values printed; for every indicator, its level-3 name and target
cell on its source_page (PDFs: in one row of ``page.extract_tables()``, name before
target, with its weight / remarks / explanation in the same row; text exports: on the
page text); its levels printed in the document; and its reading (operator, value, high,
unit, text) equal to an independent reading of the printed cells after CONTRACT.md.
No phone number and no personal label reaches the truth.  Exits 1 on any failure.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

import pdfplumber

from .targets import read_cell

PERSONAL = ("负责人", "责任人", "电话", "经办人", "填表人", "联系人")
PHONE = re.compile(r"(?<![\d.])(1[3-9]\d{9}|0\d{2,3}-\d{7,8})(?![\d.])")


def nk(s: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", "" if s is None else str(s)))


def pieces_in(s: str, text: str, window: int = 90) -> bool:
    """s is in text, or its characters follow in order, each within a short window (a cell
    that wraps between other cells' text in a layout export)."""
    if s in text:
        return True
    start = text.find(s[:1])
    while start >= 0:
        pos, ok = start, True
        for ch in s:
            k = text.find(ch, pos, pos + window)
            if k < 0:
                ok = False
                break
            pos = k + 1
        if ok:
            return True
        start = text.find(s[:1], start + 1)
    return False


def _money_forms(v: float) -> list[str]:
    y = Decimal(str(v))
    wan = y / 10000
    out = [f"{y:,.2f}"]
    for dec in (0, 1, 2, 3, 4):
        q = wan.quantize(Decimal(1).scaleb(-dec))
        if q == wan:
            out.append(str(q))
    return out


def _reading(ind: dict[str, Any]) -> tuple[Any, ...]:
    return (ind["target_operator"], ind["target_value"], ind["target_value_high"],
            ind["target_unit"], ind["target_text"])


def _same_reading(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    for x, y in zip(a, b, strict=True):
        if isinstance(x, int | float) and isinstance(y, int | float):
            if abs(float(x) - float(y)) > 1e-6:
                return False
        elif nk(x) != nk(y):
            return False
    return True


class Pages:
    """page texts (and, for PDFs, table rows) of one document."""

    def __init__(self, path: Path, fmt: str) -> None:
        self.rows: list[list[list[str]]] = []
        self.xs: list[list[list[float | None]]] = []  # x-centre of each cell
        if fmt == "pdf":
            with pdfplumber.open(path) as pdf:
                self.text = [nk(p.extract_text() or "") for p in pdf.pages]
                for p in pdf.pages:
                    rows, xs = [], []
                    for t in p.find_tables():
                        for row, cells in zip(t.extract(), t.rows, strict=True):
                            rows.append([nk(c) for c in row])
                            xs.append([None if b is None else (b[0] + b[2]) / 2
                                       for b in cells.cells])
                    self.rows.append(rows)
                    self.xs.append(xs)
        else:
            raw = path.read_text(encoding="utf-8")
            parts = raw.split("\f")
            if parts and not parts[-1].strip():
                parts.pop()
            self.text = [nk(p) for p in parts]
        self.whole = "".join(self.text)


def _row_of(rows: list[list[str]], l3: str, tg: str) -> list[list[str]]:
    return [r for r in rows if l3 in r and tg in r and r.index(l3) < len(r) - 1
            and tg in r[r.index(l3) + 1:]]


def _opunit(pg: Pages, p: int, row: list[str]) -> tuple[str | None, str | None]:
    """the operator and unit cells of an F3 row on page p: the cells under the 指标性质 and
    unit headings of the nearest header row on this page or an earlier one."""
    k = pg.rows[p - 1].index(row)
    xs = pg.xs[p - 1][k]
    for q in range(p - 1, -1, -1):
        for hrow, hxs in zip(reversed(pg.rows[q]), reversed(pg.xs[q]), strict=True):
            if "指标性质" not in hrow:
                continue
            out: list[str | None] = [None, None]
            for j, names in enumerate((("指标性质",), ("度量单位", "计量单位"))):
                hi = next((i for i, h in enumerate(hrow) if h in names), None)
                if hi is None or hxs[hi] is None:
                    continue
                cand = [i for i, x in enumerate(xs) if x is not None
                        and abs(x - float(hxs[hi] or 0)) < 2.0]
                out[j] = row[cand[0]] if cand else None
            return out[0], out[1]
    return None, None


def check_indicator(doc: dict[str, Any], pg: Pages, ind: dict[str, Any]) -> list[str]:
    errs: list[str] = []
    p = ind["source_page"]
    l3, tg = nk(ind["level3"]), nk(ind["target_raw"])
    if not isinstance(p, int) or not 0 < p <= len(pg.text):
        return [f"bad source_page {p} for {ind['level3']}"]
    text = pg.text[p - 1]
    for what, s in (("level3", l3), ("target", tg)):
        if not pieces_in(s, text):
            errs.append(f"p{p}: {what} {s} not on its page")
    for lv in ("level1", "level2"):
        if not pieces_in(nk(ind[lv]), pg.whole):
            errs.append(f"{lv} {ind[lv]} not printed")
    op_cell = unit_cell = None
    if pg.rows:
        rows = _row_of(pg.rows[p - 1], l3, tg)
        if not rows:
            errs.append(f"p{p}: no table row with [{l3}] then [{tg}]")
        else:
            for k in ("remarks", "explanation"):
                if ind[k] is not None and not any(nk(ind[k]) in r for r in rows):
                    errs.append(f"p{p}: {k} {ind[k]} not in the row of {l3}")
            if ind["weight"] is not None and not any(nk(ind["weight"]) in r for r in rows):
                errs.append(f"p{p}: weight {ind['weight']} not in the row of {l3}")
            for v in ind["extra"].values():
                if not any(nk(v) in r for r in rows):
                    errs.append(f"p{p}: extra {v} not in the row of {l3}")
            if doc["layout"] == "F3":
                op_cell, unit_cell = _opunit(pg, p, rows[0])
                if op_cell is None:
                    errs.append(f"p{p}: operator column not found for {l3}")
    if doc["layout"] == "F3" and op_cell is None:
        if pg.rows:
            return errs
        # text export: only the shape of the reading can be checked
        if ind["target_text"] is None and nk(ind["target_raw"]) != nk(
                ind["target_raw"]).strip("±"):
            errs.append(f"F3 value cell with a sign: {ind['target_raw']}")
        return errs
    got = read_cell(ind["target_raw"], op_cell, unit_cell or None)
    if not _same_reading(got, _reading(ind)):
        errs.append(f"reading of {ind['target_raw']!r}: truth {_reading(ind)} but cells read "
                    f"{got}")
    return errs


def check_project(pg: Pages, pr: dict[str, Any]) -> list[str]:
    errs: list[str] = []
    for k in ("project_name", "unit_name", "supervising_dept", "unit_code",
              "supervising_dept_code", "project_period", "project_attribute"):
        if pr[k] is not None and not pieces_in(nk(pr[k]), pg.whole):
            errs.append(f"{k} not printed: {pr[k]}")
    for k in ("overall_goal", "long_term_goal", "overview", "basis", "necessity"):
        v = nk(pr[k])
        for i in range(0, len(v), 20):
            if not pieces_in(v[i:i + 8], pg.whole):
                errs.append(f"{k} piece not printed: {v[i:i + 8]}")
                break
    for k in ("total_budget_yuan", "fiscal_appropriation_yuan", "other_funds_yuan",
              "carryover_yuan", "mid_term_budget_yuan"):
        if pr[k] is not None and not any(nk(s) in pg.whole for s in _money_forms(pr[k])):
            errs.append(f"{k} {pr[k]} not printed")
    for k, v in pr["extra_fields"].items():
        if not pieces_in(nk(k), pg.whole) or not pieces_in(nk(v), pg.whole):
            errs.append(f"extra field {k}={v} not printed")
        if any(w in k for w in PERSONAL):
            errs.append(f"personal label in extra_fields: {k}")
    blob = json.dumps(pr, ensure_ascii=False)
    if PHONE.search(blob):
        errs.append(f"phone number in the truth: {PHONE.search(blob)}")
    if pr["planned_start"] and not pr["project_period"]:
        errs.append("planned dates without a printed period")
    return errs


def check_doc(root: Path, doc: dict[str, Any]) -> list[str]:
    path = root / doc["file"]
    pg = Pages(path, doc["format"])
    errs: list[str] = []
    if len(pg.text) != doc["pages"]:
        errs.append(f"page count {len(pg.text)} != {doc['pages']}")
    if doc["expected"] != "load":
        marker = "自评" if doc["reason"] == "self_evaluation_table" else "部门整体"
        if marker not in pg.whole or doc["projects"]:
            errs.append("quarantine document is not what its reason says")
        return errs
    keys = set()
    for pr in doc["projects"]:
        errs += check_project(pg, pr)
        for ind in pr["indicators"]:
            errs += check_indicator(doc, pg, ind)
            k = (ind["period"], ind["level1"], ind["level2"], ind["level3"], ind["target_raw"])
            if k in keys:
                errs.append(f"duplicate indicator key {k}")
            keys.add(k)
        keys.clear()
    return errs


def main(argv: list[str] | None = None) -> int:
    root = Path((argv if argv is not None else sys.argv[1:])[0])
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    bad = n_ind = 0
    seen: set[tuple[Any, ...]] = set()
    for doc in truth["documents"]:
        errs = check_doc(root, doc)
        for pr in doc["projects"]:
            k = (pr["year"], pr["unit_name"], pr["project_name"])
            if k in seen:
                errs.append(f"project-year printed twice in the corpus: {k}")
            seen.add(k)
        n_ind += sum(len(p["indicators"]) for p in doc["projects"])
        print(f"{'OK ' if not errs else 'ERR'} {doc['file']} ({doc['expected']}, "
              f"{len(errs)} problems)")
        for e in errs[:10]:
            print("     ", e)
        bad += bool(errs)
    print(f"{len(truth['documents'])} documents, {n_ind} indicators, {bad} with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
