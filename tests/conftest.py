"""Shared fixtures: real warehouses (SQLite file and a throw-away PostgreSQL database)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from warehouse.db import make_engine

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
PG_ADMIN_URL = os.environ.get("TARGETS_ETL_PG_ADMIN_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REQUIRE_PG = os.environ.get("TARGETS_ETL_REQUIRE_POSTGRES") == "1"


def _pg_admin() -> sa.Engine | None:
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # no server, no driver, refused...
        engine.dispose()
        reason = f"no PostgreSQL server answers at {PG_ADMIN_URL}: {exc.__class__.__name__}"
        if REQUIRE_PG:
            pytest.fail(reason + " (TARGETS_ETL_REQUIRE_POSTGRES=1 makes this a failure)")
        pytest.skip(reason)
    return engine


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    yield from scratch_database()


@pytest.fixture(scope="module")
def pg_url_module() -> Iterator[str]:
    """A fresh PostgreSQL database shared by the tests of one module (read-only tests)."""
    yield from scratch_database()


def scratch_database() -> Iterator[str]:
    admin = _pg_admin()
    assert admin is not None
    name = f"targets_etl_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'warehouse.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def warehouse_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each warehouse test runs on both engines, so no SQLite-only behaviour creeps in."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'warehouse.db'}"
    else:
        yield request.getfixturevalue("pg_url")


@pytest.fixture
def engine(warehouse_url: str) -> Iterator[sa.Engine]:
    eng = make_engine(warehouse_url)
    yield eng
    eng.dispose()


def pytest_configure(config: pytest.Config) -> None:
    """In CI (TARGETS_ETL_REQUIRE_FONTS=1) the CJK fonts the PDF fixtures are drawn with must
    be installed; elsewhere those tests skip with that reason."""
    from tests.pdf_fixtures import FONT_FILES, fonts_available

    if os.environ.get("TARGETS_ETL_REQUIRE_FONTS") == "1" and not fonts_available():
        pytest.exit(f"TARGETS_ETL_REQUIRE_FONTS=1 but fonts are missing: {FONT_FILES}",
                    returncode=3)
