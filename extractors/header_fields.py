"""Header values as read, label by label, for every reader of the header block (PDF cells,
``pdftotext -layout`` lines): which label fills which field, codes printed with names, the
fallback labels, and what goes to ``extra_fields``. One implementation, so that the readers
agree on every rule."""

from __future__ import annotations

import re

from extractors.vocabulary import Label, is_personal_label

#: A code printed glued before a name: ``[077]淮北市…局``, ``(433)…``, ``【324001】…``.
_CODE_RE = re.compile(r"\s*[\[［【(（]\s*([0-9A-Za-z][0-9A-Za-z\-]*)\s*[\]］】)）]\s*(\S.*)",
                      re.DOTALL)

#: The name fields a code may be printed with → the field of that code.
CODE_FIELDS: dict[str, str] = {"supervising_dept": "supervising_dept_code",
                               "unit_name": "unit_code"}


#: ``324001-…局``: a code and a dash before the name; ``…局 308001``: a code after it.
_CODE_DASH_RE = re.compile(r"\s*(\d[0-9A-Za-z]*)\s*[-－—–]\s*(\S.*)", re.DOTALL)
_CODE_AFTER_RE = re.compile(r"\s*(\S.*?\S)\s+(\d{3,}[0-9A-Za-z]*)\s*", re.DOTALL)


class FieldValues:
    """Header values as read, label by label: the one place where a field printed twice
    keeps its first value and a fallback label (``总体目标``) yields to the field's other
    labels, its value then kept in ``extra_fields`` under the label as printed; labels of
    personal data never reach ``extra_fields``."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.extras: list[tuple[str, str]] = []
        self._fallbacks: list[tuple[str, str, str]] = []

    def add(self, label: Label, printed: str, value: str) -> bool:
        """Record a value; ``False`` when the field already has one (kept)."""
        name = label.field
        if label.kind == "extra":
            if value:
                self.extras.append((printed, value))
            return True
        if name is None:
            return True
        if label.fallback:
            self._fallbacks.append((name, printed, value))
            return True
        if self.fields.get(name):
            return False
        code_field = CODE_FIELDS.get(name)
        if code_field is not None and value and not self.fields.get(code_field):
            code, value = split_code(value)
            if code is not None:
                self.fields[code_field] = code
        self.fields[name] = value
        return True

    def append(self, name: str, text: str) -> None:
        """Text continuing the value of ``name`` (a narrative split by a page break)."""
        self.fields[name] = (self.fields.get(name, "") + "\n" + text).strip("\n")

    def done(self) -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
        for name, printed, value in self._fallbacks:
            if not self.fields.get(name):
                self.fields[name] = value
            elif value:
                self.extras.append((printed, value))
        kept = tuple((printed, v) for printed, v in self.extras if not is_personal_label(printed))
        return self.fields, kept


def opens_with_code(value: str) -> bool:
    """Does a value open with its code (``[077]淮北市…``, ``324001-淮北市…``)? Then it is the
    first line of its value: a code is printed before the name, never after a wrap."""
    m = _CODE_RE.match(value) or _CODE_DASH_RE.match(value)
    return m is not None and any(ch.isdigit() for ch in m.group(1))


def split_code(value: str) -> tuple[str | None, str]:
    """``[077]淮北市…局``, ``324001-淮北市…局`` or ``淮北市…局 308001`` → (the code, the name
    alone); a value without a code → (None, value)."""
    m = _CODE_RE.fullmatch(value)
    if m is not None and any(ch.isdigit() for ch in m.group(1)):
        return m.group(1), m.group(2).strip()
    m = _CODE_DASH_RE.fullmatch(value)
    if m is not None and not m.group(2)[0].isdigit():
        return m.group(1), m.group(2).strip()
    m = _CODE_AFTER_RE.fullmatch(value)
    if m is not None and not any(ch.isdigit() for ch in m.group(1)[-1:]):
        return m.group(2), m.group(1).strip()
    return None, value
