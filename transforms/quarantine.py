"""Quarantine entries: what could not be loaded, where it was, and why, in words a person acts on.

Reason codes are stable (the README's "When a file is quarantined" lists them); the message
names the offending value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from extractors.errors import Reason

Stage = Literal["fetch", "extract", "validate", "load"]

#: reason code → what a person should do about it (README table is generated from this).
REASONS: dict[Reason, str] = {
    Reason.EMPTY_FILE: "The file has no bytes. Re-download it from the publisher.",
    Reason.NOT_A_TARGET_TABLE: "The file is readable but holds no performance target table. "
    "Remove it from the input, or check it is the right document.",
    Reason.SELF_EVALUATION_TABLE: "The file is a self-evaluation table (绩效自评表: 实际完成值, "
    "得分), which reports results against targets rather than setting them. It is not loaded; load "
    "the year's target table (绩效目标表) instead.",
    Reason.UNKNOWN_LAYOUT: "A title was found but neither the Shanghai nor the national labels. "
    "Open an issue with the file attached.",
    Reason.UNDECODABLE_TEXT: "A text export in an encoding other than UTF-8/GBK/GB18030. "
    "Re-export it as UTF-8.",
    Reason.PDF_CORRUPT: "The PDF is truncated or damaged. Re-download it.",
    Reason.PDF_ENCRYPTED: "The PDF is password-protected. Obtain an unprotected copy.",
    Reason.PDF_NO_TEXT_LAYER: "The PDF is scanned images with no text layer: run OCR first "
    "(e.g. ocrmypdf --language chi_sim) and load the OCR'd file.",
    Reason.PDF_NO_UNICODE_MAP: "The PDF's fonts have no Unicode map, so text comes out as (cid:…) "
    "codes. Export a text version, or OCR the PDF.",
    Reason.EXTRACT_TIMEOUT: "Reading the file took longer than the time limit and was stopped (a "
    "damaged or pathological PDF). Re-download it; if it persists, open an issue with it.",
    Reason.EXTRACT_MEMORY: "Reading the file needed more memory than an extraction worker may use "
    "(--worker-memory-mb, default 1024): a damaged or hostile file such as a decompression "
    "bomb. Re-download it; raise the limit only for a file you trust.",
    Reason.EXTRACT_CRASHED: "The extraction worker died while reading the file (a crash inside a "
    "PDF library). Re-download it; if it persists, open an issue with it.",
    Reason.NO_TARGET_COLUMN: "The indicator table has no target column (指标目标值 / 指标值). "
    "Check the document is complete.",
    Reason.EMPTY_INDICATOR_TABLE: "The form's indicator table has no readable rows.",
    Reason.DUPLICATE_FORM: "The same project and year is printed twice in one file. An identical "
    "repeat is recorded here and loaded once; copies that differ are all set aside: ask the "
    "publisher which one is right (the file's other forms loaded).",
    Reason.BAD_YEAR: "The fiscal year (年度) is missing or impossible.",
    Reason.BAD_MONEY: "A budget figure is not a number, is negative, or is larger than the "
    "warehouse stores (the message names the label and the printed figure). Fix the file or "
    "report it.",
    Reason.BAD_DATE: "A planned date is not a date, or the end is before the start.",
    Reason.BAD_YES_NO: "是否含有政府购买服务 is neither 是 nor 否.",
    Reason.MISSING_NAME: "The unit or project name is missing.",
    Reason.BAD_INDICATOR_ROW: "An indicator row misses a level or its target; the row was not "
    "loaded, the rest of its form was.",
    Reason.BAD_TARGET_VALUE: "An indicator's target number is larger than the warehouse stores "
    "(the message names the printed cell); the row was not loaded, the rest of its form was. "
    "Check the figure with the publisher (a missing decimal point or unit?).",
    Reason.LOAD_FAILED: "The warehouse rejected the file's rows; see the message.",
    Reason.UNREADABLE: "The file or folder could not be read (permissions, a dangling link, an I/O "
    "error, or a parser defect); see the message. Fix the cause: the next run reads it again.",
}


@dataclass(frozen=True, slots=True)
class QuarantineEntry:
    """One thing that was not loaded: a whole file, a whole form, or one indicator row."""

    stage: Stage
    reason: Reason
    message: str
    form_index: int | None = None
    row_index: int | None = None
    page: int | None = None
    column: str | None = None
    check: str | None = None
    value: str | None = None
    year: int | None = None  # the form's printed fiscal year, where readable

    @property
    def scope(self) -> Literal["file", "form", "row"]:
        if self.form_index is None:
            return "file"
        return "form" if self.row_index is None else "row"
