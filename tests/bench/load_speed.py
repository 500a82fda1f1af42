"""How fast validated rows load into the warehouse (not a timed test: prints rows/s).

Generated documents (forms of generated units and projects, indicator rows with generated
names and targets) are validated first, outside the clock; the clock runs over
``warehouse.load.load_document`` only: one transaction per document with its dimensions,
project rows and indicator rows, as a run loads them. Fact rows/s = (project rows +
indicator rows) / seconds.

    .venv/bin/python -m tests.bench.load_speed                       # SQLite and PostgreSQL
    .venv/bin/python -m tests.bench.load_speed --pg-method executemany  # compare with COPY

PostgreSQL: a scratch database on 127.0.0.1:5432 (``--pg-admin URL``), dropped afterwards.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from extractors.model import Form, IndicatorRow, SourceFile
from transforms.validate import Validated, validate_forms
from warehouse import dialects
from warehouse.db import ensure_schema, make_engine
from warehouse.load import load_document
from warehouse.runs import start_run

LEVELS = [("产出指标", ["数量指标", "质量指标", "时效指标", "成本指标"]),
          ("效益指标", ["社会效益指标", "经济效益指标", "可持续影响指标"]),
          ("满意度指标", ["服务对象满意度指标"])]
SYLLABLES = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
TARGETS = ["=100%", ">=95%", "<=3天", "12场", "80%-90%", "合理", "按时完成", "≥2000人次"]


def _name(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(n))


def make_document(rng: random.Random, number: int, forms: int, rows: int,
                  year: int) -> list[Form]:
    unit = f"{_name(rng, 4)}第{number}中心"
    out = []
    for f in range(forms):
        indicators = []
        for r in range(rows):
            level1, level2s = LEVELS[r % len(LEVELS)]
            indicators.append(IndicatorRow(
                level1=level1, level2=level2s[r % len(level2s)],
                level3=f"{_name(rng, 5)}指标{r}", target_raw=rng.choice(TARGETS), page=1 + r // 40))
        out.append(Form(layout="shanghai", page=1 + f, indicators=tuple(indicators), fields={
            "year": str(year), "unit_name": unit, "project_name": f"{_name(rng, 6)}项目{f}",
            "total_budget": "1,000,000.00", "current_year_budget": "250000",
            "overall_goal": _name(rng, 40)}))
    return out


def prepared(documents: int, forms: int, rows: int, year: int, seed: int = 7
             ) -> list[tuple[SourceFile, Validated]]:
    """The same units, projects and indicators for the same ``seed``, in ``year``."""
    rng = random.Random(seed)
    out = []
    for d in range(documents):
        sha = hashlib.sha256(f"{seed}/{year}/{d}".encode()).hexdigest()
        source = SourceFile(f"/bench/{year}/doc{d}.txt", sha, 1000)
        validated = validate_forms(make_document(rng, d, forms, rows, year))
        assert not validated.quarantine, validated.quarantine[:3]
        out.append((source, validated))
    return out


def _executemany(self: Any, conn: sa.Connection, table: sa.Table, columns: Sequence[str],
                 rows: Sequence[Sequence[Any]]) -> None:
    """SQLAlchemy Core executemany (insertmanyvalues batches on PostgreSQL)."""
    conn.execute(table.insert(), [dict(zip(columns, row, strict=True)) for row in rows])


def measure(url: str, years: list[list[tuple[SourceFile, Validated]]]
            ) -> list[tuple[int, float]]:
    """Rows and seconds of each year's documents, loaded in turn into one warehouse."""
    engine = make_engine(url)
    ensure_schema(engine)
    run_key = start_run(engine)
    out = []
    for batches in years:
        rows = 0
        started = time.perf_counter()
        for source, validated in batches:
            result = load_document(engine, run_key, source, None, validated)
            rows += result.project_rows + result.indicator_rows
        out.append((rows, time.perf_counter() - started))
    engine.dispose()
    return out


def _report(name: str, measured: list[tuple[int, float]]) -> None:
    for (rows, seconds), what in zip(measured, ("new dimensions", "known dimensions"),
                                     strict=True):
        print(f"{name:<26} {what:<17} {rows:>7} fact rows in {seconds:5.2f} s = "
              f"{rows / seconds:>7,.0f} rows/s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=40)
    parser.add_argument("--forms", type=int, default=10, help="forms per document")
    parser.add_argument("--rows", type=int, default=200, help="indicator rows per form")
    parser.add_argument("--pg-admin", default="postgresql+psycopg://postgres@127.0.0.1:5432/"
                        "postgres")
    parser.add_argument("--pg-method", choices=["copy", "executemany", "both"], default="both")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    # the first year adds every unit, project and indicator; the next year's forms of the
    # same projects find them (what a nightly run over a new year mostly does)
    batches = [prepared(args.documents, args.forms, args.rows, year) for year in (2023, 2024)]
    with tempfile.TemporaryDirectory() as folder:
        _report("SQLite (executemany)", measure(f"sqlite:///{Path(folder) / 'b.db'}", batches))
    if args.no_postgres:
        return 0
    methods = ["copy", "executemany"] if args.pg_method == "both" else [args.pg_method]
    admin = sa.create_engine(args.pg_admin, isolation_level="AUTOCOMMIT")
    writer = type(dialects.writer_for(admin))
    copy = writer.bulk_insert
    for method in methods:
        name = f"targets_etl_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            writer.bulk_insert = copy if method == "copy" else _executemany  # type: ignore[method-assign]
            url = sa.make_url(args.pg_admin).set(database=name)
            _report(f"PostgreSQL ({method})",
                    measure(url.render_as_string(hide_password=False), batches))
        finally:
            writer.bulk_insert = copy  # type: ignore[method-assign]
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
