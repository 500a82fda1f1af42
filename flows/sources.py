"""Where documents come from: local folders, web pages that link them, object-storage prefixes.

``discover`` lists the sources without reading any document: a ``stat`` per local file, a
``HEAD`` per linked file, one ``LIST`` per object-storage prefix. What it records of each
file (size, modification time, a remote ETag) is what the plan compares with the warehouse
to call a file unchanged without fetching it. ``fetch`` downloads the remote files the plan
must read, many at a time, into the run's staging folder; the worker processes then read
them like local files, and their ``source_uri`` stays the URL.

Remote access goes through fsspec (``https://`` with aiohttp, ``s3://`` with s3fs, which
takes its endpoint and credentials from the usual AWS settings: ``AWS_ENDPOINT_URL``,
``AWS_ACCESS_KEY_ID`` …). Links on a page are read from its HTML and resolved against the
page's URL, wherever they point.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from extractors.errors import ConfigurationError, SourceUnreachable
from extractors.files import path_uri
from warehouse.locations import Sighting

SUFFIXES = (".pdf", ".txt")
REMOTE_SCHEMES = ("http", "https", "s3")
#: Files asked about or fetched at the same time from one server.
CONCURRENT_REQUESTS = 16
_HASH_BLOCK = 1 << 20


@dataclass(frozen=True, slots=True)
class Candidate:
    """A listed file: where to read it on this machine (``None``: remote, not fetched yet),
    the URI it is stored under, and what the listing showed of it."""

    path: str | None
    uri: str
    size_bytes: int | None
    mtime_ns: int | None
    version_tag: str | None = None  # a remote file's ETag
    sha256: str | None = None  # filled by the plan when it had to read the file

    @property
    def is_remote(self) -> bool:
        return is_remote(self.uri)

    def sighting(self, document_key: int | None = None) -> Sighting:
        return Sighting(self.uri, document_key, self.size_bytes, self.mtime_ns,
                        self.version_tag)


@dataclass(frozen=True, slots=True)
class Problem:
    """A listed file or folder that cannot be read: quarantined by location."""

    uri: str
    message: str
    candidate: Candidate | None = None


@dataclass
class Listing:
    """What the sources hold: candidate files, what could not be listed or read, and the
    roots under which a location not listed again is gone."""

    roots: list[str]
    candidates: list[Candidate] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    staging: Path | None = None  # where remote files are fetched to, for this run only

    def close(self) -> None:
        """Remove the staging folder and whatever was fetched into it."""
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None


def is_remote(source: str) -> bool:
    return urlsplit(source).scheme.lower() in REMOTE_SCHEMES and "://" in source


def _is_document(name: str) -> bool:
    return unquote(name).lower().endswith(SUFFIXES)


# --- local folders ----------------------------------------------------------------------------

def _walk(folder: str, listing: Listing) -> None:
    """Every .pdf/.txt below ``folder`` (symlinked folders are not followed: no cycles)."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        listing.problems.append(Problem(path_uri(Path(folder)),
                                        f"cannot list the folder: {exc.strerror or exc}"))
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            _walk(entry.path, listing)
        elif _is_document(entry.name):
            _add_file(entry.path, listing)


def _add_file(path: str, listing: Listing) -> None:
    uri = path_uri(Path(path))
    try:
        st = os.stat(path)
    except FileNotFoundError:
        listing.problems.append(Problem(uri, "a link to a file that does not exist "
                                        f"({os.readlink(path) if os.path.islink(path) else '?'})"))
        return
    except OSError as exc:
        listing.problems.append(Problem(uri, f"cannot be read: {exc.strerror or exc}"))
        return
    if not stat.S_ISREG(st.st_mode):
        listing.problems.append(Problem(uri, "not a regular file"))
        return
    listing.candidates.append(Candidate(path, uri, st.st_size, st.st_mtime_ns))


def _list_local(source: str, listing: Listing) -> None:
    if not os.path.lexists(source):
        raise ConfigurationError(f"{source}: no such file or folder")
    listing.roots.append(path_uri(Path(source)))
    if os.path.isdir(source):
        _walk(source, listing)
    else:
        _add_file(source, listing)


# --- remote: web pages and object storage -----------------------------------------------------

class _LinkParser(HTMLParser):
    """The ``href`` of every ``<a>`` and the page's ``<base href>``, in page order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if not href:
            return
        if tag == "base" and self.base is None:
            self.base = href.strip()
        elif tag == "a":
            self.hrefs.append(href.strip())


def _decode_page(data: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode(encoding)
    return data.decode("utf-8", errors="replace")


def page_links(html: str, page_url: str) -> list[str]:
    """The .pdf/.txt documents a page links to: absolute URLs (relative links resolved
    against the page, or its ``<base href>``), fragments dropped, each once, in page order."""
    parser = _LinkParser()
    parser.feed(html)
    base = urljoin(page_url, parser.base) if parser.base else page_url
    out: dict[str, None] = {}
    for href in parser.hrefs:
        url = urldefrag(urljoin(base, href)).url
        parts = urlsplit(url)
        if parts.scheme.lower() in ("http", "https") and _is_document(parts.path):
            out.setdefault(url, None)
    return list(out)


def _filesystem(uri: str) -> Any:
    """A fresh fsspec filesystem for ``uri``'s scheme: no listing cached from an earlier run
    of the same process (a long-lived ``serve``) may hide a change."""
    import fsspec

    try:
        return fsspec.filesystem(urlsplit(uri).scheme.lower(), skip_instance_cache=True,
                                 use_listings_cache=False)
    except ImportError as exc:
        raise ConfigurationError(f"{uri}: reading this kind of source needs the package "
                                 f"{exc.name}, which is not installed") from exc


def _in_chunks(fs: Any, make: Callable[[str], Awaitable[Any]],
               items: Sequence[str]) -> list[Any]:
    """``make(item)`` for every item on the filesystem's event loop, at most
    CONCURRENT_REQUESTS at a time; exceptions are returned in the item's place."""
    from fsspec.asyn import _run_coros_in_chunks, sync

    async def run() -> list[Any]:
        return list(await _run_coros_in_chunks([make(i) for i in items],
                                               batch_size=CONCURRENT_REQUESTS,
                                               return_exceptions=True))

    return list(sync(fs.loop, run))


def _time_ns(value: Any) -> int | None:
    """Last-Modified as nanoseconds since the epoch (an HTTP date or a datetime)."""
    try:
        when = value if isinstance(value, datetime) else parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return None
    return int(when.timestamp()) * 1_000_000_000 if when.tzinfo else None


def _remote_candidate(uri: str, info: dict[str, Any]) -> Candidate:
    tag = info.get("ETag") or info.get("etag")
    size = info.get("size")
    return Candidate(None, uri, int(size) if size is not None else None,
                     _time_ns(info.get("Last-Modified") or info.get("LastModified")),
                     str(tag).strip() if tag else None)


def _unreachable(uri: str, exc: BaseException) -> SourceUnreachable:
    if isinstance(exc, FileNotFoundError):
        return SourceUnreachable(f"{uri}: the server answers that there is no such page or "
                                 "object (404); nothing under it was changed")
    return SourceUnreachable(f"{uri}: cannot be listed ({type(exc).__name__}: {exc}); nothing "
                             "under it was changed, the next run tries again")


def _list_http(source: str, listing: Listing) -> None:
    fs = _filesystem(source)
    if _is_document(urlsplit(source).path):
        urls = [source]
        listing.roots.append(source)
    else:
        try:
            page = fs.cat_file(source)
        except Exception as exc:  # aiohttp and fsspec raise many kinds; all mean "not now"
            raise _unreachable(source, exc) from exc
        urls = page_links(_decode_page(page), source)
        # a page is not a container: a document it stops linking is not "gone" from it
    for url, info in zip(urls, _in_chunks(fs, fs._info, urls), strict=True):
        if isinstance(info, BaseException):
            reason = ("the server answers that it does not exist (404)"
                      if isinstance(info, FileNotFoundError) else
                      f"cannot be reached: {type(info).__name__}: {info}")
            listing.problems.append(Problem(url, f"linked from {source}, but {reason}"))
        else:
            listing.candidates.append(_remote_candidate(url, info))


def _list_s3(source: str, listing: Listing) -> None:
    fs = _filesystem(source)
    try:
        found = fs.find(source, detail=True)
    except Exception as exc:
        raise _unreachable(source, exc) from exc
    listing.roots.append(source.rstrip("/"))
    for name, info in sorted(found.items()):
        if info.get("type", "file") == "file" and _is_document(name):
            listing.candidates.append(_remote_candidate(f"s3://{name}", info))


def discover(sources: Sequence[str]) -> Listing:
    """List the files of ``sources``: local files and folders (searched for .pdf/.txt),
    ``http(s)://`` pages (the documents they link) or documents, ``s3://`` prefixes.

    Raises ``ConfigurationError`` at once for a local source that does not exist, or when the
    sources hold no document at all (an unmounted share looks like an empty folder), and
    ``SourceUnreachable`` for a page or bucket that cannot be listed now."""
    listing = Listing(roots=[])
    for source in sources:
        scheme = urlsplit(source).scheme.lower() if is_remote(source) else ""
        if scheme == "s3":
            _list_s3(source, listing)
        elif scheme:
            _list_http(source, listing)
        else:
            _list_local(source, listing)
    if not listing.candidates and not listing.problems:
        raise ConfigurationError(f"no .pdf or .txt documents in {', '.join(sources)}: check the "
                                 "path (is the share mounted? does the page link them?)")
    unique = {c.uri: c for c in reversed(listing.candidates)}  # the first listing wins
    listing.candidates = sorted(unique.values(), key=lambda c: c.uri)
    return listing


# --- reading: hashing local files, fetching remote ones ---------------------------------------

def hash_local(candidate: Candidate) -> Candidate | Problem:
    """The candidate with the sha256 of its bytes."""
    assert candidate.path is not None
    digest = hashlib.sha256()
    try:
        with open(candidate.path, "rb") as fh:
            while block := fh.read(_HASH_BLOCK):
                digest.update(block)
    except OSError as exc:
        return Problem(candidate.uri, f"cannot be read: {exc.strerror or exc}", candidate)
    return replace(candidate, sha256=digest.hexdigest())


def fetch(candidates: Sequence[Candidate], listing: Listing) -> list[Candidate | Problem]:
    """Download remote candidates into the listing's staging folder, many at a time: each
    comes back with its local path and sha256, or as a problem saying why it could not be
    fetched (the location is quarantined; the next run tries it again)."""
    if not candidates:
        return []
    if listing.staging is None:
        listing.staging = Path(tempfile.mkdtemp(prefix="targets-etl-fetch-"))
    out: list[Candidate | Problem] = []
    by_scheme: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_scheme.setdefault(urlsplit(c.uri).scheme.lower(), []).append(c)
    for group in by_scheme.values():
        fs = _filesystem(group[0].uri)
        for c, data in zip(group, _in_chunks(fs, fs._cat_file, [c.uri for c in group]),
                           strict=True):
            if isinstance(data, BaseException):
                out.append(Problem(c.uri, f"could not be downloaded: {type(data).__name__}: "
                                   f"{data}", c))
                continue
            name = hashlib.sha256(c.uri.encode()).hexdigest()[:24] + Path(
                unquote(urlsplit(c.uri).path)).suffix.lower()
            target = listing.staging / name
            target.write_bytes(data)
            out.append(replace(c, path=str(target), sha256=hashlib.sha256(data).hexdigest()))
    return out

