"""The exit codes of ``targets-etl`` (README, "Exit codes"), in one place."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # every file loaded or quarantined
    FILES_FAILED = 1  # some files not processed this time; the next run retries them
    ERROR = 2  # a configuration or warehouse error, printed as one line
    YEARS_MISSING = 3  # a backfill found no form of a year it was asked for
    INTERRUPTED = 130  # stopped by SIGINT/SIGTERM (128 + SIGINT, as shells report it)
