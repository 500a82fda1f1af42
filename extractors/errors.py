"""The error hierarchy: *transient* faults are retried, *terminal* ones quarantine the file.

Every terminal error carries a stable ``reason`` code (what the quarantine table and the
README's "When a file is quarantined" section list) and a message that names the offending
value, so a person can act on it without reading a traceback.
"""

from __future__ import annotations

from typing import ClassVar


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

    reason: ClassVar[str] = "unreadable"

    def __init__(self, message: str, *, reason: str | None = None) -> None:
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

    reason: ClassVar[str] = "unreadable"
    stage: ClassVar[str] = "fetch"


class EmptyFile(TerminalError):
    reason: ClassVar[str] = "empty_file"


class NotATargetTable(TerminalError):
    """The file has text, but no performance target table title or labels."""

    reason: ClassVar[str] = "not_a_target_table"


class UnknownLayout(TerminalError):
    """A title was found but neither layout's labels were."""

    reason: ClassVar[str] = "unknown_layout"


class UndecodableText(TerminalError):
    reason: ClassVar[str] = "undecodable_text"


class CorruptPdf(TerminalError):
    reason: ClassVar[str] = "pdf_corrupt"


class EncryptedPdf(TerminalError):
    reason: ClassVar[str] = "pdf_encrypted"


class NoTextLayer(TerminalError):
    """Image-only PDF: the text has to be recognised (OCR) before it can be read."""

    reason: ClassVar[str] = "pdf_no_text_layer"


class NoUnicodeMap(TerminalError):
    """The PDF's fonts map glyphs to ``(cid:…)`` codes, not characters."""

    reason: ClassVar[str] = "pdf_no_unicode_map"
