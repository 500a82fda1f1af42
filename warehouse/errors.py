"""What a database error means for the run: try again, reject the file, or stop and say what
to fix.

Only a fault of the *connection* is worth another attempt (refused, dropped, timed out, the
server restarting or full, a lock or serialization conflict). Anything the server says about
what was sent (a value too long, a numeric overflow, an index row over the btree limit, a
constraint) fails the same way every time: that file is rejected. A database that does not
exist, a refused login or an unknown host is a configuration fault: the run stops at once with
one line saying what to fix.

psycopg 3 gives a server error its SQLSTATE (``exc.orig.sqlstate``), but a failed *connection
attempt* has none (``sqlstate is None``): libpq's message is all there is, so the few
messages that matter are recognised here (checked against PostgreSQL 15 and psycopg 3.3).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import sqlalchemy as sa

from extractors.errors import ConfigurationError, EtlError, TransientError

Kind = Literal["transient", "permanent", "configuration"]

#: SQLSTATEs another attempt can clear (class 08, connection exception, is added by prefix).
TRANSIENT_SQLSTATES: Mapping[str, str] = {
    "57P01": "server shut down by an administrator",
    "57P02": "server crashed",
    "57P03": "server not accepting connections yet",
    "53300": "too many connections",
    "40001": "serialization failure",
    "40P01": "deadlock",
    "55P03": "lock timeout",  # another session held the lock longer than lock_timeout
}

# SQLite primary result codes (``sqlite3.Error.sqlite_errorcode & 0xFF``).
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6
_SQLITE_CONFIG = {3: "no permission", 8: "read-only", 14: "cannot open", 23: "not authorised",
                  26: "not a database"}

# A connection attempt has no SQLSTATE: its message decides. First match wins, so the
# specific (permanent) messages come before the generic "connection failed".
_MESSAGES: tuple[tuple[str, Kind, str | None, str], ...] = (
    (r'database "[^"]*" does not exist', "configuration", "3D000", "no such database"),
    (r'role "[^"]*" does not exist', "configuration", "28000", "login refused"),
    (r"password authentication failed|no pg_hba\.conf entry|no password supplied|"
     r"authentication failed", "configuration", "28P01", "login refused"),
    (r"(failed to resolve host|could not translate host name).*"
     r"(not known|no address associated|nodename nor servname)",
     "configuration", None, "unknown host"),
    (r"the database system is (starting up|shutting down|in recovery mode|not yet "
     r"accepting connections)", "transient", "57P03", "server not accepting connections yet"),
    (r"too many clients|remaining connection slots are reserved", "transient", "53300",
     "too many connections"),
    (r"connection refused", "transient", "08001", "connection refused"),
    (r"timeout expired", "transient", "08001", "connection timed out"),
    (r"server closed the connection unexpectedly|consuming input failed|could not receive "
     r"data|could not send data|connection reset|broken pipe|ssl syscall error|eof detected|"
     r"no connection to the server|the connection is (closed|lost)|terminating connection",
     "transient", "08006", "connection lost"),
    (r"database (table )?is locked", "transient", None, "database is locked"),
    (r"connection failed|could not connect|connection to server|failed to resolve host|"
     r"name resolution", "transient", "08001", "cannot connect"),
)
_CONNECT_MESSAGES = tuple((re.compile(pattern, re.IGNORECASE), kind, sqlstate, reason)
                          for pattern, kind, sqlstate, reason in _MESSAGES)


@dataclass(frozen=True, slots=True)
class Fault:
    """What an error means for the run.

    ``sqlstate`` is the server's code or, for a failed connection attempt (which has none),
    the code its message stands for; ``reason`` is a few words for logs and messages."""

    kind: Kind
    sqlstate: str | None
    reason: str


def _driver_error(exc: BaseException) -> BaseException:
    """The DBAPI exception under SQLAlchemy's wrapper (the exception itself otherwise)."""
    orig = exc.orig if isinstance(exc, sa.exc.DBAPIError) else None
    return orig if isinstance(orig, BaseException) else exc


def _sqlstate(error: BaseException) -> str | None:
    code = getattr(error, "sqlstate", None)
    return code if isinstance(code, str) else None


def _by_sqlstate(code: str) -> Fault:
    if code.startswith("08"):
        return Fault("transient", code, "connection exception")
    if code in TRANSIENT_SQLSTATES:
        return Fault("transient", code, TRANSIENT_SQLSTATES[code])
    if code == "3D000":
        return Fault("configuration", code, "no such database")
    if code.startswith("28"):
        return Fault("configuration", code, "login refused")
    return Fault("permanent", code, "rejected by the server")


def _by_sqlite_code(code: int) -> Fault | None:
    primary = code & 0xFF
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return Fault("transient", None, "database is locked")
    if primary in _SQLITE_CONFIG:
        return Fault("configuration", None, "sqlite " + _SQLITE_CONFIG[primary])
    return None


def _by_message(text: str) -> Fault | None:
    for pattern, kind, sqlstate, reason in _CONNECT_MESSAGES:
        if pattern.search(text):
            return Fault(kind, sqlstate, reason)
    return None


def classify(exc: BaseException) -> Fault:
    """Transient (retry), permanent (reject what was sent) or configuration (stop, fix it).

    Anything not recognised as a connection fault is permanent: retrying an error in what was
    sent costs the whole retry budget and then aborts the run instead of one file."""
    if isinstance(exc, TransientError):
        return Fault("transient", None, "did not answer")
    if isinstance(exc, ConfigurationError):
        return Fault("configuration", None, "configuration")
    if isinstance(exc, EtlError):
        return Fault("permanent", None, "rejected")
    if isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated:
        return Fault("transient", _sqlstate(_driver_error(exc)), "connection lost")
    if isinstance(exc, sa.exc.TimeoutError | sa.exc.DisconnectionError):
        return Fault("transient", None, "no pooled connection")
    error = _driver_error(exc)
    code = _sqlstate(error)
    if code is not None:
        return _by_sqlstate(code)
    sqlite_code = getattr(error, "sqlite_errorcode", None)
    if isinstance(sqlite_code, int) and (fault := _by_sqlite_code(sqlite_code)) is not None:
        return fault
    driver_error = isinstance(exc, sa.exc.DBAPIError) or hasattr(error, "sqlstate")  # psycopg
    if driver_error or isinstance(error, ConnectionError | TimeoutError):
        fault = _by_message(str(error))
        if fault is not None:
            return fault
    return Fault("permanent", None, "rejected")


# --- messages: one line, never a password -------------------------------------------------

_CREDENTIALS = re.compile(r"(?P<head>\b[a-z][\w+.-]*://[^/\s:@]*:)[^\s]*@")
_USER_PASSWORD = re.compile(r"(?P<head>[\w.%+-]+:)[^\s@/]+@")  # in a URL missing its "//"
_PASSWORD_ARG = re.compile(r"(?P<head>\bpassword\s*=\s*)('[^']*'|\S+)", re.IGNORECASE)


def scrub(text: str) -> str:
    """``text`` with what looks like a password in a URL or a DSN replaced by ``***``."""
    text = _CREDENTIALS.sub(lambda m: m["head"] + "***@", text)
    text = _USER_PASSWORD.sub(lambda m: m["head"] + "***@", text)
    return _PASSWORD_ARG.sub(lambda m: m["head"] + "***", text)


def first_line(text: object) -> str:
    """The first non-empty line of ``text``, password-free: what a one-line message quotes."""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return scrub(lines[0]) if lines else ""


def safe_url(url: str | sa.URL) -> str:
    """``url`` as it may be printed or logged: the password (in the URL or its query) masked.

    Works on strings SQLAlchemy cannot parse too, since those are the ones reported."""
    try:
        parsed = sa.make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        return scrub(str(url))
    if parsed.host and "@" in parsed.host:  # an unencoded "@" in the password
        parsed = parsed.set(password="***", host=parsed.host.rsplit("@", 1)[1])
    if "password" in parsed.query:
        parsed = parsed.update_query_dict({"password": "***"})
    return scrub(parsed.render_as_string(hide_password=True))


def _url_or_none(url: str | sa.URL | None) -> sa.URL | None:
    if url is None:
        return None
    try:
        return sa.make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        return None


def _server(url: sa.URL | None, text: str) -> tuple[str | None, int | None]:
    """Host and port of the server: from the URL, else from libpq's message."""
    if url is not None and url.host:
        return url.host, url.port or 5432
    found = re.search(r'server at "([^"]+)"(?: \([^)]*\))?, port (\d+)', text)
    if found:
        return found[1], int(found[2])
    found = re.search(r'server on socket "([^"]+)"', text)
    return (found[1], None) if found else (None, None)


def _createdb_hint(name: str, host: str | None, port: int | None, user: str | None) -> str:
    parts = ["createdb"]
    for flag, value in (("-h", host), ("-p", port), ("-U", user)):
        if value is not None and not (flag == "-h" and str(value).startswith("/")):
            parts += [flag, shlex.quote(str(value))]
    return " ".join([*parts, shlex.quote(name)])


def configuration_error(exc: BaseException,
                        url: str | sa.URL | None = None) -> ConfigurationError | None:
    """The one-line :class:`ConfigurationError` for a configuration fault, ``None`` for any
    other error; ``url`` (the warehouse URL, when known) makes the hint exact."""
    if isinstance(exc, ConfigurationError):
        return exc
    fault = classify(exc)
    if fault.kind != "configuration":
        return None
    parsed = _url_or_none(url)
    text = str(_driver_error(exc))
    line = first_line(text.removeprefix("connection failed: "))
    line = re.sub(r"^connection to server .*? failed: (FATAL: +)?", "", line)
    host, port = _server(parsed, text)
    at = f"{host}:{port}" if host and port else host or "the server"
    shown = f" ({safe_url(parsed)})" if parsed is not None else ""
    if fault.sqlstate == "3D000":
        found = re.search(r'database "([^"]*)" does not exist', text)
        name = found[1] if found else (parsed.database if parsed is not None else None) or "?"
        user = parsed.username if parsed is not None else None
        return ConfigurationError(f"warehouse database '{name}' does not exist on {at}: create "
                                  f"it with: {_createdb_hint(name, host, port, user)}")
    if fault.sqlstate is not None and fault.sqlstate.startswith("28"):
        return ConfigurationError(
            f"the warehouse on {at} refused the login{shown}: {line}: check the user and "
            "password in the warehouse URL (--db / WAREHOUSE_URL), PGPASSWORD or ~/.pgpass")
    if fault.reason == "unknown host":
        return ConfigurationError(f"unknown warehouse host{shown}: {line}: check the host name "
                                  "in the warehouse URL (--db / WAREHOUSE_URL)")
    if fault.reason.startswith("sqlite"):
        path = parsed.database if parsed is not None and parsed.database else "the SQLite file"
        return ConfigurationError(f"cannot use the SQLite warehouse {path}: {line}: check that "
                                  "the path is a database file in a folder you can write to")
    return ConfigurationError(f"the warehouse cannot be used as configured{shown}: {line}")


# --- a rejected load, for its quarantine row ----------------------------------------------

_INSERT_COLUMNS = re.compile(r"^\s*INSERT\s+(?:OR\s+\w+\s+)?INTO\s+\S+\s*\(([^)]*)\)",
                             re.IGNORECASE)
_CONSTRAINT_COLUMN = re.compile(r"(?:NOT NULL|UNIQUE) constraint failed: (?:\w+\.)?(\w+)")
_KEY_COLUMN = re.compile(r"Key \(([^,)]+)")


def _insert_columns(statement: str) -> list[str]:
    found = _INSERT_COLUMNS.match(statement)
    return [c.strip().strip('"') for c in found[1].split(",")] if found else []


def _bound_values(exc: BaseException) -> Iterator[tuple[str, object]]:
    """(column, value) of every parameter sent with the failing statement, as far as the
    bind names tell (insertmanyvalues names them ``col__0``, ``col__1``...)."""
    params = getattr(exc, "params", None)
    columns = _insert_columns(str(getattr(exc, "statement", "") or ""))
    if isinstance(params, list | tuple) and params and all(
            isinstance(p, Mapping | list | tuple) for p in params):
        rows: list[object] = list(params)
    else:
        rows = [params]
    for row in rows:
        if isinstance(row, Mapping):
            for key, value in row.items():
                column = re.sub(r"__\d+$", "", str(key))
                if not columns or column in columns:
                    yield column, value
        elif isinstance(row, list | tuple) and len(row) == len(columns):
            yield from zip(columns, row, strict=True)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _suspect_test(text: str) -> Callable[[object], bool] | None:
    """A test that picks the parameter the server's message is about, when it says enough."""
    if found := re.search(r"value too long for type character(?: varying)?\((\d+)\)", text):
        limit = int(found[1])
        return lambda v: isinstance(v, str) and len(v) > limit
    if found := re.search(r"numeric field overflow.*?less than 10\^(-?\d+)", text, re.DOTALL):
        bound = Decimal(10) ** int(found[1])
        return lambda v: _is_number(v) and abs(Decimal(str(v))) >= bound
    if found := re.search(r"\b(smallint|integer|bigint) out of range", text):
        bits = {"smallint": 15, "integer": 31, "bigint": 63}[found[1]]
        return lambda v: isinstance(v, int) and not -(2**bits) <= v < 2**bits
    if found := re.search(r"index row (?:size \d+ )?.*?maximum (\d+)", text):
        most = int(found[1])
        return lambda v: isinstance(v, str) and len(v.encode("utf-8")) > most
    if found := re.search(r'invalid input (?:syntax|value) for (?:type )?\w+: "(.*)"', text):
        bad = found[1]
        return lambda v: isinstance(v, str) and v == bad
    return None


def _rejected_column(exc: BaseException) -> str | None:
    error = _driver_error(exc)
    column = getattr(getattr(error, "diag", None), "column_name", None)
    if isinstance(column, str) and column:
        return column
    text = str(error)
    if found := _CONSTRAINT_COLUMN.search(text) or _KEY_COLUMN.search(text):
        return found[1].strip().strip('"')
    test = _suspect_test(text)
    if test is None:
        return None
    suspects = {column for column, value in _bound_values(exc) if test(value)}
    return suspects.pop() if len(suspects) == 1 else None


def describe_rejection(exc: BaseException) -> tuple[str, str | None]:
    """A one-line, password-free message for a load the warehouse rejected, and the column
    it is about when the driver says or the message and the parameters show it.

    The message names the driver's error class and SQLSTATE, then the server's first line
    (never the SQL or the parameters, which can be long)."""
    error = _driver_error(exc)
    code = _sqlstate(error)
    name = type(error).__name__ if code is not None else type(exc).__name__
    label = f"{name} [{code}]" if code else name
    line = first_line(error) or first_line(exc)
    return (f"{label}: {line}" if line else label), _rejected_column(exc)
