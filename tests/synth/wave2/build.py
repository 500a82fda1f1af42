"""Build the wave-2 acceptance corpus (the five Version-2 families), with exact truth.

    python -m tests.synth.wave2 OUT_DIR --seed N --docs K

writes OUT_DIR/docs/* (K loadable documents plus four that must be quarantined),
OUT_DIR/truth.json (the format of shared/samples/wave2/truth.json) and OUT_DIR/README.md.
The same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import vocab as V
from .families import DocStyle, form_f1, form_f2
from .families2 import form_f3, form_f4, form_f5
from .geom import random_geometry
from .model import Content, Form, make_content
from .quarantine import build as build_quarantine
from .readme import readme
from .render import render_pdf, text_export
from .table import Doc
from .targets import TargetStyle

FAMILY = {"F1": "申报表 (national variants)", "F2": "长期/年度 stacked blocks",
          "F3": "operator and unit columns", "F4": "side-by-side 中期/年度",
          "F5": "实施期/本年度"}
FORM_FN: dict[str, Callable[[Doc, Content, DocStyle], Form]] = {
    "F1": form_f1, "F2": form_f2, "F3": form_f3, "F4": form_f4, "F5": form_f5}
FILE_TITLE = {"F1": "项目支出绩效目标申报表", "F2": "项目绩效目标表", "F3": "绩效目标表",
              "F4": "项目支出绩效目标申报表", "F5": "项目支出绩效目标申报表"}
N_IND = {"F1": (10, 30), "F2": (10, 22), "F3": (12, 28), "F4": (9, 20), "F5": (10, 22)}

LEGEND = {
    "multi_project": "2-5 forms in one file (each starts on a new page)",
    "table_continues": "an indicator table continues onto the next page",
    "repeat_header": "... and the continuation page repeats the column-header row(s)",
    "span_page_break": "a merged level-1/level-2 (or block-label) cell spans a page break",
    "span_label_repeat": "... its label is printed again in each page fragment",
    "long_cells": "level-3 or target cells that wrap inside their cell",
    "wrapped_level2": "a level-2 label that wraps inside its merged cell",
    "levels_repeated": "F3: level 1 and level 2 printed on every row (not merged)",
    "landscape": "pages in landscape orientation",
    "header_shading": "header and label cells shaded with filled rectangles",
    "grid_cells": "grid drawn as one rectangle per cell (not as rules)",
    "page_numbers": "page footers (第 N 页 共 M 页, - N -, 第N页/共M页)",
    "vertical_block_label": "a tall block-label cell on the left (长期绩效指标 …), "
                            "one character a line",
    "two_row_header": "F4: a group header row (中期/年度 绩效指标) over the column headers",
    "column_order": "optional columns in another order (weight first, unit before value …)",
    "label_value_cell": "label and value in one cell (年度资金总额：85.50)",
    "tick_boxes": "项目属性 printed as tick boxes; the ticked option is the value",
    "unit_codes": "codes glued to names ([077]…, (433)…, 324001-…, … 308001)",
    "money_yuan": "money in 元 with thousands separators",
    "personal_data": "项目负责人 / 经办人 / 填表人 names and phone numbers printed "
                     "(never in the truth)",
    "operator_column": "an operator column (指标性质: ≥ ≤ = > < 定性)",
    "unit_column": "a unit column (度量单位 / 计量单位)",
    "weight_column": "a weight column (权重(%) / 分值 / 权重)",
    "remarks_column": "a 备注 column",
    "explanation_column": "an explanation column (指标说明 / 绩效标准)",
    "extra_column": "another column, kept in extra (数据来源)",
}
RULES = {
    "extra_fields": "every printed header label (colon removed) whose value is not a "
                    "v_project_year column; empty labels, group captions (总体目标 over "
                    "中期/年度目标, 项目资金（万元）, 年度资金总额及构成（万元）, 项目立项情况, "
                    "项目绩效目标), money-unit notes (单位：万元, 金额单位：元) and sign-off "
                    "blanks are not fields; people's names and phone numbers are printed but "
                    "never loaded",
    "planned_dates": "filled from 项目期/项目起止时间/项目支出实施期 when it is a date range; a "
                     "month range runs from the first day of its first month to the last day "
                     "of its last month; durations (3年) and single years (2024年) give none",
    "overall_goal": "年度目标 / 本年度绩效目标 / 整体目标; 总体目标 when no annual goal is "
                    "printed, else 总体目标 goes to extra_fields",
    "period": "annual unless printed in a 长期 (long_term) or 中期/实施期 (mid_term) block or "
              "column block",
    "units": "F2 项目单位/项目实施单位 and F5 预算部门 are unit_name; F2 填报单位（盖章） with a "
             "value is an extra field; F5 年度本级预算金额 is total_budget_yuan",
}


def plan(rng: random.Random, k: int) -> list[dict[str, Any]]:
    fams = [f"F{1 + i % 5}" for i in range(k)]
    rng.shuffle(fams)
    txt_left = {f: max(1, round(fams.count(f) / 3)) for f in FAMILY}
    units = rng.sample(V.UNITS, len(V.UNITS))
    used: set[tuple[str, int]] = set()
    specs = []
    for i, fam in enumerate(fams):
        unit = units[i % len(units)]
        year = rng.randint(2018, 2026)
        while (unit[0], year) in used:
            year = rng.randint(2018, 2026)
        used.add((unit[0], year))
        fmt = "pdf"
        left_in_fam = fams[i:].count(fam)
        if txt_left[fam] and rng.random() < txt_left[fam] / left_in_fam:
            fmt = "txt"
            txt_left[fam] -= 1
        landscape = rng.random() < (0.4 if fam in ("F3", "F4") else 0.15)
        specs.append({"family": fam, "format": fmt, "unit": unit, "year": year,
                      "n": min(rng.choice([1, 1, 2, 2, 3, 3, 4, 5]), len(V.PROJECTS[unit[2]])),
                      "landscape": landscape, "footer": rng.choice([None, None, "of", "dash",
                                                                    "slash"])})
    return specs


def dept_code(dept: str) -> str:
    return str(100 + sum(map(ord, dept)) % 800)


def contents(rng: random.Random, spec: dict[str, Any], lo: int, hi: int) -> list[Content]:
    unit, dept, domain = spec["unit"]
    names = rng.sample(V.PROJECTS[domain], spec["n"])
    tstyle = TargetStyle.random(rng)
    profile = rng.choice(["small", "mixed", "mixed", "big"])
    out = []
    for i, name in enumerate(names):
        if rng.random() < 0.25:
            name = f"{spec['year']}年{name}"
        if profile == "small":
            n = rng.randint(6, 9)
        elif profile == "big" or i == 0:
            n = rng.randint((lo + hi) // 2, hi)
        else:
            n = rng.randint(lo, hi)
        out.append(make_content(rng, spec["year"], unit, dept, domain, name, dept_code(dept), n,
                                tstyle))
    return out


def build_doc(spec: dict[str, Any], rng: random.Random) -> tuple[bytes, list[Form], Doc]:
    fam = spec["family"]
    g = random_geometry(rng, spec["landscape"], 11.0 if fam == "F4" and not spec["landscape"]
                        else 13.0)
    doc = Doc(g)
    ds = DocStyle.draw(rng, spec["landscape"])
    forms = []
    for c in contents(rng, spec, *N_IND[fam]):
        doc.new_page()
        forms.append(FORM_FN[fam](doc, c, ds))
    _geometry_seen(doc, spec, len(forms))
    pdf = render_pdf(doc.pages, g, spec["footer"])
    data = pdf if spec["format"] == "pdf" else text_export(pdf)
    return data, forms, doc


def _geometry_seen(doc: Doc, spec: dict[str, Any], n_forms: int) -> None:
    g = doc.g
    if g.grid == "cells":
        doc.seen.add("grid_cells")
    if g.shading:
        doc.seen.add("header_shading")
    if g.orientation == "landscape":
        doc.seen.add("landscape")
    if spec["footer"]:
        doc.seen.add("page_numbers")
    if n_forms > 1:
        doc.seen.add("multi_project")


def entry(name: str, data: bytes, spec: dict[str, Any], doc: Doc, forms: list[Form],
          expected: str = "load", reason: str | None = None) -> dict[str, Any]:
    txt = spec["format"] == "txt"
    load = expected == "load"
    return {
        "file": f"docs/{name}", "format": spec["format"],
        "text_style": "pdftotext-layout" if txt else None, "encoding": "utf-8" if txt else None,
        "layout": spec["family"] if load else None,
        "family": FAMILY[spec["family"]] if load else None,
        "expected": expected, "reason": reason,
        "perturbations": sorted(doc.seen) if load else [],
        "geometry": doc.g.truth(), "pages": len(doc.pages), "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "projects": [f.truth() for f in forms],
    }


def quarantine_docs(rng: random.Random, start: int, seed: int) -> list[tuple[str, bytes,
                                                                             dict[str, Any]]]:
    out = []
    kinds = [("self_evaluation_table", "pdf"), ("self_evaluation_table", "txt"),
             ("no_target_column", "pdf"), ("no_target_column", "txt")]
    units = rng.sample(V.UNITS, len(kinds))
    for k, ((reason, fmt), unit) in enumerate(zip(kinds, units, strict=True)):
        drng = random.Random(seed * 1000 + start + k)
        year = drng.randint(2019, 2025)
        spec = {"family": "F1", "format": fmt, "unit": unit, "year": year,
                "n": 1 if reason == "no_target_column" else drng.choice([1, 2])}
        g = random_geometry(drng, False, 11.0)
        doc = Doc(g)
        build_quarantine(reason, doc, contents(drng, spec, 10, 16), drng)
        pdf = render_pdf(doc.pages, g, None)
        data = pdf if fmt == "pdf" else text_export(pdf)
        selfev = reason == "self_evaluation_table"
        title = "项目支出绩效自评表" if selfev else "部门整体支出绩效目标表"
        who = unit[0] if selfev else unit[1]
        name = f"w2h{start + k:02d}_{year}年{who}{title}.{fmt}"
        out.append((name, data, entry(name, data, spec, doc, [], "quarantine", reason)))
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=2027)
    ap.add_argument("--docs", type=int, default=30, help="number of loadable documents")
    a = ap.parse_args(argv)
    out = Path(a.out)
    docs_dir = out / "docs"
    if docs_dir.exists():
        shutil.rmtree(docs_dir)
    docs_dir.mkdir(parents=True)
    rng = random.Random(a.seed)
    entries = []
    for i, spec in enumerate(plan(rng, a.docs), 1):
        data, forms, doc = build_doc(spec, random.Random(a.seed * 1000 + i))
        ext = spec["format"]
        name = f"w2h{i:02d}_{spec['year']}年{spec['unit'][0]}{FILE_TITLE[spec['family']]}.{ext}"
        (docs_dir / name).write_bytes(data)
        entries.append(entry(name, data, spec, doc, forms))
    for name, data, e in quarantine_docs(rng, a.docs + 1, a.seed):
        (docs_dir / name).write_bytes(data)
        entries.append(e)
    gen = f"python -m tests.synth.wave2 {a.out} --seed {a.seed} --docs {a.docs}"
    truth = {
        "corpus": "wave2-holdout", "contract_version": 2, "generator": gen,
        "contract": "shared/CONTRACT.md (Version 2)",
        "comparison": "text: NFKC, then all whitespace removed; numbers numerically; dates as "
                      "YYYY-MM-DD; extra / extra_fields as dicts of text keys (empty values "
                      "dropped)",
        "rules": RULES, "perturbation_legend": LEGEND, "documents": entries,
    }
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n",
                                    encoding="utf-8")
    (out / "README.md").write_text(readme(truth, a.seed), encoding="utf-8")
    print(f"wrote {len(entries)} documents to {out}")
