"""Sources where publishers publish: a web page that links the documents (a real
``http.server`` on 127.0.0.1) and an object-storage prefix (moto's S3 server on 127.0.0.1)
load exactly the rows the same files load from a local folder; a second run downloads
nothing; a changed file is fetched again; a dead link is quarantined by its URL."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from flows import pipeline
from flows.sources import discover, page_links
from tests.conftest import SAMPLES
from tests.test_warehouse import run_files
from warehouse.db import ensure_schema, make_engine

DOCS = sorted((SAMPLES / "docs").glob("s0[1-4]_*"))  # two PDFs' worth of layouts, and texts
PROJECT_SQL = "SELECT year, unit_name, project_name, total_budget_yuan FROM v_project_year"
TARGET_SQL = ("SELECT year, unit_name, project_name, level1, level2, level3, target_raw, "
              "source_page FROM v_indicator_target")


def view_rows(engine: sa.Engine) -> dict[str, list[tuple[object, ...]]]:
    """What the views show, without where the rows came from."""
    with engine.connect() as conn:
        return {sql: sorted(tuple(r) for r in conn.execute(sa.text(sql)))
                for sql in (PROJECT_SQL, TARGET_SQL)}


def source_uris(engine: sa.Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(sa.text("SELECT DISTINCT source_uri FROM v_project_year"))
                   .scalars())


@pytest.fixture
def local_rows(tmp_path: Path) -> dict[str, list[tuple[object, ...]]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'local.db'}")
    ensure_schema(engine)
    run_files(engine, DOCS)
    return view_rows(engine)


# --- a web page ------------------------------------------------------------------------------

class _CountingHandler(SimpleHTTPRequestHandler):
    """Serves a folder and counts the GETs that download a document (the page itself, HEADs
    and 404s aside)."""

    gets: list[str]

    def do_GET(self) -> None:
        if not self.path.endswith(".html") and os.path.isfile(self.translate_path(self.path)):
            self.gets.append(self.path)
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Path, list[str]]]:
    """A site whose page /gk/list.html links the documents every way a page can: relative
    to the page, from the site root, absolute, with a fragment, twice; also a page that is
    not a document and a dead link."""
    root = tmp_path / "site"
    (root / "gk").mkdir(parents=True)
    (root / "files" / "2021").mkdir(parents=True)
    for doc in DOCS:
        shutil.copy(doc, root / "files" / "2021" / doc.name)
    names = [quote(d.name) for d in DOCS]
    gets: list[str] = []
    handler = type("Handler", (_CountingHandler,), {"gets": gets})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    links = [f'<a href="../files/2021/{names[0]}">一</a>',
             f'<a href="/files/2021/{names[1]}#page=2">二</a>',
             f'<a href="{base}/files/2021/{names[2]}">三</a>',
             f'<a href="../files/2021/{names[3]}">四</a>',
             f'<a href="../files/2021/{names[3]}">四（重复）</a>',
             '<a href="other.html">其他</a>', '<a href="../files/gone.pdf">失效</a>']
    (root / "gk" / "list.html").write_text(
        "<html><body>" + "\n".join(links) + "</body></html>", encoding="utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{base}/gk/list.html", root, gets
    finally:
        server.shutdown()
        server.server_close()


def test_page_links_resolves_relative_links_against_the_page_and_its_base() -> None:
    html = ('<base href="/docs/"><a href="a.pdf">a</a><a href="sub/b.TXT#x">b</a>'
            '<a href="c.html">c</a><a href="mailto:x@y">m</a><a href="a.pdf">again</a>')
    assert page_links(html, "https://example.org/list/index.html") == [
        "https://example.org/docs/a.pdf", "https://example.org/docs/sub/b.TXT"]
    assert page_links('<a href="../f/%E8%A1%A8.pdf">', "http://h/p/q.html") == [
        "http://h/f/%E8%A1%A8.pdf"]


def test_a_web_page_loads_what_the_local_folder_loads_and_downloads_once(
        site: tuple[str, Path, list[str]], local_rows: dict[str, list[tuple[object, ...]]],
        sqlite_url: str) -> None:
    page, root, gets = site
    engine = make_engine(sqlite_url)
    ensure_schema(engine)
    first = run_files(engine, [page])
    assert view_rows(engine) == local_rows
    assert (first.files_seen, first.files_loaded, first.files_quarantined) == (5, 4, 1)
    assert len(gets) == 4 and all(g.startswith("/files/2021/") for g in gets)
    uris = source_uris(engine)
    assert all(u.startswith("http://127.0.0.1:") and "/files/2021/" in u for u in uris), uris
    with engine.connect() as conn:
        dead = conn.execute(sa.text("SELECT message FROM quarantine")).scalars().all()
    assert len(dead) == 1 and "files/gone.pdf" in dead[0] and "404" in dead[0]

    gets.clear()
    second = run_files(engine, [page])
    assert gets == []
    assert (second.files_unchanged, second.files_loaded) == (4, 0)

    changed = root / "files" / "2021" / DOCS[1].name
    changed.write_bytes(changed.read_bytes() + b"\n")
    os.utime(changed, (1_700_000_000, 1_700_000_000))
    third = run_files(engine, [page])
    assert gets == [f"/files/2021/{quote(DOCS[1].name)}"]
    assert (third.files_unchanged, third.files_loaded) == (3, 1)
    assert view_rows(engine) == local_rows


def test_an_unreachable_page_changes_nothing(sqlite_url: str) -> None:
    from extractors.errors import SourceUnreachable

    with pytest.raises(SourceUnreachable, match=r"127\.0\.0\.1:9/list\.html"):
        discover(["http://127.0.0.1:9/list.html"])


# --- an S3 prefix ----------------------------------------------------------------------------

@pytest.fixture
def bucket(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A real S3-compatible server (moto's) on 127.0.0.1 holding the documents under a
    prefix, next to an object that is not a document and one under another prefix."""
    pytest.importorskip("s3fs")
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    for name, value in {"AWS_ENDPOINT_URL": f"http://{host}:{port}",
                        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="targets")
    for doc in DOCS:
        s3.put_object(Bucket="targets", Key=f"published/2021/{doc.name}", Body=doc.read_bytes())
    s3.put_object(Bucket="targets", Key="published/index.html", Body=b"<html/>")
    s3.put_object(Bucket="targets", Key="elsewhere/x.pdf", Body=b"%PDF-1.4")
    try:
        yield "s3://targets/published/"
    finally:
        server.stop()


def test_an_s3_prefix_loads_what_the_local_folder_loads_and_downloads_once(
        bucket: str, local_rows: dict[str, list[tuple[object, ...]]], sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    ensure_schema(engine)
    first = run_files(engine, [bucket])
    assert (first.files_seen, first.files_loaded) == (4, 4)
    assert view_rows(engine) == local_rows
    assert all(u.startswith("s3://targets/published/2021/") for u in source_uris(engine))

    listing = discover([bucket])
    decided = pipeline.plan(engine, listing)
    assert (decided.jobs, len(decided.unchanged), listing.staging) == ([], 4, None)
    second = run_files(engine, [bucket])
    assert (second.files_unchanged, second.files_loaded, second.files_gone) == (4, 0, 0)

    import boto3

    boto3.client("s3").delete_object(Bucket="targets", Key=f"published/2021/{DOCS[0].name}")
    third = run_files(engine, [bucket])
    assert (third.files_unchanged, third.files_gone) == (3, 1)
