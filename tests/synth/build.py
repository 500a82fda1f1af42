"""Build the synthetic hold-out corpus.

    python -m tests.synth.build OUT_DIR --seed N --docs K

writes OUT_DIR/docs/* (K loadable documents plus a few bad inputs) and
OUT_DIR/truth.json in the format of samples/truth.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
from pathlib import Path
from typing import Any

from . import vocab as V
from .forms import Report, layout_national, layout_shanghai
from .layout import Flow, Page, Style
from .model import Project, make_project
from .pdf_render import render_pdf, render_plain_text_pdf, render_shapes_only
from .text_render import encode, pdftotext, seed_text

LEGEND = {
    "multi_project": "2-12 forms (projects) in one file",
    "table_continues": "an indicator table continues onto a second page",
    "repeat_header": "... and the continuation page repeats the column-header row",
    "span_page_break": "a level-2 merged cell spans a page break (label printed once)",
    "span_label_repeat": "... the merged label is printed again on the continuation page",
    "header_page_break": "the header block runs onto a second page (as in the seed's project 2)",
    "long_paragraph": "a narrative cell is split across a page break",
    "long_names": "a project name and/or unit name long enough to wrap in its cell",
    "long_cells": "level-3 names that wrap inside their cell",
    "fullwidth": "full-width operators/percent signs (＞＝85％) and swapped （）/() in names",
    "halfwidth_labels": "half-width label punctuation: 项目总预算(元):",
    "stray_spaces": "stray spaces inside CJK names, labels' values and indicator names",
    "spaced_labels": "distributed labels printed with spaces: 项 目 名 称：",
    "indent": "narrative paragraphs indented with full-width or ASCII spaces",
    "page_numbers": "page footers (- 3 - or 第 3 页 共 9 页)",
    "table_same_page": "national form: the indicator table starts under the header",
    "gbk": "text export encoded in GBK (a good loader detects the encoding)",
    "crlf_bom": "text export with a UTF-8 byte-order mark and CRLF line ends",
}

# (format, text_style, layout) in rotation
CLASSES: list[tuple[str, str | None, str]] = [
    ("pdf", None, "shanghai"), ("txt", "seed", "shanghai"), ("txt", "pdftotext", "shanghai"),
    ("pdf", None, "national"), ("txt", "pdftotext-layout", "shanghai"),
    ("txt", "pdftotext", "national"), ("pdf", None, "shanghai"), ("txt", "seed", "shanghai"),
    ("txt", "pdftotext-layout", "national"),
]
STYLE_FLAGS = ["fullwidth", "halfwidth_labels", "stray_spaces", "spaced_labels", "indent",
               "page_numbers"]
SH_STRUCT = ["table_continues", "header_page_break", "long_paragraph", "long_names",
             "long_cells"]
NAT_STRUCT = ["table_continues", "long_names", "long_cells"]
OBSERVED = {"table_continues", "repeat_header", "span_page_break", "span_label_repeat",
            "header_page_break", "long_paragraph", "long_names", "long_cells",
            "table_same_page"}


def plan(rng: random.Random, k: int) -> list[dict[str, Any]]:
    specs = []
    style_cycle: list[str] = []
    struct_cycle: dict[str, list[str]] = {"shanghai": [], "national": []}
    for i in range(k):
        fmt, ts, lay = CLASSES[i % len(CLASSES)]
        if not style_cycle:
            style_cycle = rng.sample(STYLE_FLAGS, len(STYLE_FLAGS))
        pool = SH_STRUCT if lay == "shanghai" else NAT_STRUCT
        if not struct_cycle[lay]:
            struct_cycle[lay] = rng.sample(pool, len(pool))
        flags = {style_cycle.pop()}
        if rng.random() < 0.5 and style_cycle:
            flags.add(style_cycle.pop())
        flags.add(struct_cycle[lay].pop())
        if rng.random() < 0.35 and struct_cycle[lay]:
            flags.add(struct_cycle[lay].pop())
        if "table_continues" in flags:
            if rng.random() < 0.5:
                flags.add("repeat_header")
            if rng.random() < 0.4:
                flags.add("span_label_repeat")
        n = rng.choice([1, 2, 2, 3, 3, 4, 5]) if i % 11 != 5 else 12
        enc = None
        if fmt == "txt":
            enc = "gbk" if i % 5 == 2 else ("utf-8-sig" if i % 7 == 3 else "utf-8")
        specs.append({"format": fmt, "text_style": ts, "layout": lay, "flags": flags,
                      "n": n, "encoding": enc, "year": rng.randint(2018, 2024)})
    return specs


def build_doc(spec: dict[str, Any], rng: random.Random) -> tuple[bytes, list[Project], int,
                                                                   set[str]]:
    lay, year, flags = spec["layout"], spec["year"], set(spec["flags"])
    if lay == "shanghai":
        unit, domain = rng.choice(V.SH_UNITS)
        dept = None
    else:
        unit, dept, domain = rng.choice(V.NAT_UNITS)
    if "long_names" in flags and lay == "national":
        unit = unit + V.LONG_UNIT_SUFFIX
    projects: list[Project] = []
    names: set[str] = set()
    while len(projects) < spec["n"]:
        big = "table_continues" in flags and (len(projects) == 0 or rng.random() < 0.4)
        p = make_project(rng, lay, year, unit, dept, domain, flags, big)
        if p.project_name in names:
            p.project_name = f"{p.project_name}（{['一', '二', '三', '四'][len(projects) % 4]}期）"
            if p.project_name in names:
                p.project_name += str(len(projects))
        names.add(p.project_name)
        projects.append(p)
    st = Style(flags, rng)
    pages: list[Page] = []
    flow = Flow(pages, "page_numbers" in flags)
    rep = Report()
    for p in projects:
        (layout_shanghai if lay == "shanghai" else layout_national)(p, st, flow, rep)
    footer = rng.choice(["dash", "of"]) if "page_numbers" in flags else None
    pdf = render_pdf(pages, footer)
    if spec["format"] == "pdf":
        data = pdf
    elif spec["text_style"] == "seed":
        data = encode(seed_text(pages, rng, footer), spec["encoding"])
    else:
        text = pdftotext(pdf, spec["text_style"] == "pdftotext-layout")
        data = encode(text, spec["encoding"])
    seen = {f for f in flags if f not in OBSERVED} | rep.seen
    if len(projects) > 1:
        seen.add("multi_project")
    if spec["encoding"] == "gbk":
        seen.add("gbk")
    if spec["encoding"] == "utf-8-sig":
        seen.add("crlf_bom")
    return data, projects, len(pages), seen


def doc_name(i: int, year: int, unit: str, layout: str, ext: str) -> str:
    title = "财政项目支出绩效目标表" if layout == "shanghai" else "项目支出绩效目标表"
    return f"h{i:02d}_{year}年{unit}{title}.{ext}"


def bad_docs(rng: random.Random, start: int, good_pdf: bytes) -> list[tuple[str, bytes, str,
                                                                             str]]:
    """(file name, bytes, format, reason)"""
    notice = [
        "关于做好2023年度部门预算公开工作的通知",
        "各预算单位：",
        "根据《中华人民共和国预算法》及本市预算公开有关规定，现就做好部门预算公开工作通知如下。",
        "一、公开范围。除涉密信息外，各单位应当公开部门预算及相关说明。",
        "二、公开时间。财政部门批复预算后二十日内向社会公开。",
        "三、工作要求。各单位要高度重视，指定专人负责，确保按时准确公开。",
        "特此通知。",
    ]
    return [
        (f"h{start:02d}_2023年上海市机关事务管理局财政项目支出绩效目标表.txt", b"", "txt",
         "empty file"),
        (f"h{start + 1:02d}_2022年上海市财政局关于做好部门预算公开工作的通知.txt",
         "\n".join(notice).encode("utf-8"), "txt", "text is not a performance target table"),
        (f"h{start + 2:02d}_2021年上海市档案馆财政项目支出绩效目标表.pdf",
         good_pdf[: len(good_pdf) * 2 // 5], "pdf", "truncated PDF (no trailer, unreadable)"),
        (f"h{start + 3:02d}_2024年上海市嘉定区文化馆项目支出绩效目标表.pdf",
         render_shapes_only(rng), "pdf", "PDF has no text layer (scanned image / shapes only)"),
        (f"h{start + 4:02d}_2023年上海市财政局预算公开工作通知.pdf",
         render_plain_text_pdf(notice), "pdf", "PDF is not a performance target table"),
    ]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=20240917)
    ap.add_argument("--docs", type=int, default=45, help="number of loadable documents")
    a = ap.parse_args(argv)
    out = Path(a.out)
    docs_dir = out / "docs"
    if docs_dir.exists():
        shutil.rmtree(docs_dir)
    docs_dir.mkdir(parents=True)
    rng = random.Random(a.seed)
    entries = []
    first_pdf = b""
    for i, spec in enumerate(plan(rng, a.docs), 1):
        drng = random.Random(a.seed * 1000 + i)
        data, projects, pages, seen = build_doc(spec, drng)
        if spec["format"] == "pdf" and not first_pdf:
            first_pdf = data
        ext = "pdf" if spec["format"] == "pdf" else "txt"
        name = doc_name(i, spec["year"], projects[0].unit_name, spec["layout"], ext)
        (docs_dir / name).write_bytes(data)
        entries.append(_entry(name, data, spec["format"], spec["text_style"], spec["encoding"],
                              spec["layout"], sorted(seen), pages, projects))
    for name, data, fmt, reason in bad_docs(rng, a.docs + 1, first_pdf):
        (docs_dir / name).write_bytes(data)
        e = _entry(name, data, fmt, None, "utf-8" if fmt == "txt" else None, None, [], 0, [])
        e["expected"], e["reason"] = "quarantine", reason
        e["pages"] = None
        entries.append(e)
    truth = {
        "corpus": "holdout",
        "generator": f"python -m tests.synth.build {a.out} --seed {a.seed} --docs {a.docs}",
        "contract": "shared/CONTRACT.md",
        "comparison": "text: NFKC, then all whitespace removed; numbers numerically; "
                      "dates as YYYY-MM-DD",
        "perturbation_legend": LEGEND,
        "documents": entries,
    }
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n",
                                    encoding="utf-8")
    (out / "README.md").write_text(readme(truth), encoding="utf-8")
    print(f"wrote {len(entries)} documents to {out}")


def readme(truth: dict[str, Any]) -> str:
    from collections import Counter

    docs = truth["documents"]
    cls: Counter[str] = Counter()
    per: Counter[str] = Counter()
    for d in docs:
        if d["expected"] != "load":
            continue
        cls[f"| {d['layout']} | {d['format']} | {d['text_style'] or '-'} | "
            f"{d['encoding'] or '-'} |"] += 1
        per.update(d["perturbations"])
    n_ind = sum(len(p["indicators"]) for d in docs for p in d["projects"])
    n_proj = sum(len(d["projects"]) for d in docs)
    lines = [
        "# Synthetic hold-out corpus",
        "",
        "Documents of the same kinds and quirks as `samples/` (other units, projects, indicator",
        "names, targets and sentences), with their exact truth in `truth.json` (same format as",
        "`samples/truth.json`). Score a warehouse loaded from `docs/` with",
        "`python ../shared/tools/score.py --db ... --truth tests/corpus/holdout/truth.json`.",
        "",
        f"Generated by `{truth['generator']}` (deterministic); verified by",
        "`python -m tests.synth.check tests/corpus/holdout` (pdfplumber tables and text for",
        "PDFs, page text for the exports: every level-3 name and target on its source_page,",
        "names, amounts and narrative pieces printed).",
        "",
        f"{len(docs)} files: {sum(d['expected'] == 'load' for d in docs)} to load "
        f"({n_proj} forms, {n_ind} indicators) and "
        f"{sum(d['expected'] == 'quarantine' for d in docs)} bad inputs that must add no rows.",
        "",
        "| layout | format | text style | encoding | files |",
        "|---|---|---|---|---|",
        *[f"{k} {v} |" for k, v in sorted(cls.items())],
        "",
        "| perturbation | files |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in sorted(per.items())],
        "",
        "Bad inputs (`expected: quarantine`):",
        "",
        *[f"- `{d['file']}`: {d['reason']}" for d in docs if d["expected"] == "quarantine"],
        "",
        "Text exports: `pdftotext` and `pdftotext-layout` files are the real poppler output of",
        "the generated PDF; `seed` files emulate `samples/seed/` (every page after the first",
        "starts with a newline and one space).  Perturbations are recorded as observed in the",
        "laid-out pages (e.g. `table_continues` only when a table really continues).",
        "",
    ]
    return "\n".join(lines)


def _entry(name: str, data: bytes, fmt: str, ts: str | None, enc: str | None,
           layout: str | None, perts: list[str], pages: int,
           projects: list[Project]) -> dict[str, Any]:
    return {
        "file": f"docs/{name}", "format": fmt, "text_style": ts, "encoding": enc,
        "layout": layout, "expected": "load", "reason": None, "perturbations": perts,
        "pages": pages, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
        "projects": [p.truth() for p in projects],
    }


if __name__ == "__main__":
    main()
