"""The error hierarchy: *transient* faults are retried, *terminal* ones quarantine the file.

Every terminal error carries a stable ``reason`` code (what the quarantine table and the
README's "When a file is quarantined" section list) and a message that names the offending
value, so a person can act on it without reading a traceback.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar


class Reason(StrEnum):
    """Why something was not loaded: the stable codes of the quarantine table.

    A ``StrEnum`` so a code is stored and compared as its text (``"pdf_corrupt"``) while the
    code that sets one cannot misspell it. What a person should do about each is
    ``transforms.quarantine.REASONS``.
    """

    EMPTY_FILE = "empty_file"
    NOT_A_TARGET_TABLE = "not_a_target_table"
    SELF_EVALUATION_TABLE = "self_evaluation_table"
    UNKNOWN_LAYOUT = "unknown_layout"
    UNDECODABLE_TEXT = "undecodable_text"
    PDF_CORRUPT = "pdf_corrupt"
    PDF_ENCRYPTED = "pdf_encrypted"
    PDF_NO_TEXT_LAYER = "pdf_no_text_layer"
    PDF_NO_UNICODE_MAP = "pdf_no_unicode_map"
    EXTRACT_TIMEOUT = "extract_timeout"
    EXTRACT_MEMORY = "extract_memory"
    EXTRACT_CRASHED = "extract_crashed"
    NO_TARGET_COLUMN = "no_target_column"
    EMPTY_INDICATOR_TABLE = "empty_indicator_table"
    DUPLICATE_FORM = "duplicate_form"
    BAD_YEAR = "bad_year"
    BAD_MONEY = "bad_money"
    BAD_DATE = "bad_date"
    BAD_YES_NO = "bad_yes_no"
    MISSING_NAME = "missing_name"
    BAD_INDICATOR_ROW = "bad_indicator_row"
    BAD_TARGET_VALUE = "bad_target_value"
    LOAD_FAILED = "load_failed"
    UNREADABLE = "unreadable"


class EtlError(Exception):
    """Base of every error this project raises on purpose."""

    stage: ClassVar[str] = "extract"


class ConfigurationError(EtlError):
    """The run cannot start as configured (bad URL, missing driver, no such database or
    path, no documents): reported at once in one line, never retried; exit code 2."""

    stage: ClassVar[str] = "config"


class TransientError(EtlError):
    """Worth retrying: the source or the warehouse did not answer this time."""


class TerminalError(EtlError):
    """Retrying the same bytes cannot help: the file is quarantined with ``reason``."""

    reason: ClassVar[Reason] = Reason.UNREADABLE

    def __init__(self, message: str, *, reason: Reason | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason  # type: ignore[misc]

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else self.reason


class SourceUnreachable(TransientError):
    """A file or directory could not be read (missing mount, permission, network share)."""

    stage: ClassVar[str] = "fetch"


class Unreadable(TerminalError):
    """The file is listed but its bytes cannot be read (permissions, a dangling link, an I/O
    error): retrying the same run cannot help, a person has to look."""

    reason: ClassVar[Reason] = Reason.UNREADABLE
    stage: ClassVar[str] = "fetch"


class EmptyFile(TerminalError):
    reason: ClassVar[Reason] = Reason.EMPTY_FILE


class NotATargetTable(TerminalError):
    """The file has text, but no performance target table title or labels."""

    reason: ClassVar[Reason] = Reason.NOT_A_TARGET_TABLE


class UnknownLayout(TerminalError):
    """A title was found but neither layout's labels were."""

    reason: ClassVar[Reason] = Reason.UNKNOWN_LAYOUT


class UndecodableText(TerminalError):
    reason: ClassVar[Reason] = Reason.UNDECODABLE_TEXT


class CorruptPdf(TerminalError):
    reason: ClassVar[Reason] = Reason.PDF_CORRUPT


class EncryptedPdf(TerminalError):
    reason: ClassVar[Reason] = Reason.PDF_ENCRYPTED


class NoTextLayer(TerminalError):
    """Image-only PDF: the text has to be recognised (OCR) before it can be read."""

    reason: ClassVar[Reason] = Reason.PDF_NO_TEXT_LAYER


class NoUnicodeMap(TerminalError):
    """The PDF's fonts map glyphs to ``(cid:…)`` codes, not characters."""

    reason: ClassVar[Reason] = Reason.PDF_NO_UNICODE_MAP
