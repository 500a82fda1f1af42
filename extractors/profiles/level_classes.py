"""The canonical level-1 / level-2 classes of indicator headings, read from data.

``classes/levels.toml`` (next to the layout profiles) lists each class with the stems of its
printed spellings; this module is the only reader of that file. A heading is classified by
its stem: NFKC, whitespace removed, one trailing suffix (指标, 目标) removed. Headings no stem
matches stay unclassified (``None``): reported, never guessed.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from extractors.profiles import compact

LEVELS_FILE = Path(__file__).resolve().parent / "classes" / "levels.toml"
SCHEMA_VERSION = 1
Level = Literal[1, 2]


@dataclass(frozen=True, slots=True)
class LevelClass:
    """One canonical class: its code (the warehouse value), Chinese name and meaning."""

    level: Level
    code: str
    label: str
    meaning: str
    stems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LevelClasses:
    """Every class of both levels and the suffixes a printed heading may carry."""

    classes: tuple[LevelClass, ...]
    suffixes: tuple[str, ...]

    def stem(self, heading: str | None) -> str:
        text = compact(heading or "")
        for suffix in self.suffixes:
            if text.endswith(suffix) and len(text) > len(suffix):
                return text[: -len(suffix)]
        return text

    def _by_stem(self, level: Level) -> dict[str, str]:
        return {s: c.code for c in self.classes if c.level == level for s in c.stems}

    def classify(self, level: Level, heading: str | None) -> str | None:
        """The class code of a printed heading of ``level``, or ``None`` when unknown."""
        return _index(self)[level].get(self.stem(heading))

    def of_level(self, level: Level) -> tuple[LevelClass, ...]:
        return tuple(c for c in self.classes if c.level == level)


@cache
def _index(classes: LevelClasses) -> dict[int, dict[str, str]]:
    return {1: classes._by_stem(1), 2: classes._by_stem(2)}


def _fail(source: str, key: str, problem: str, value: object) -> ValueError:
    return ValueError(f"{source}: {key}: {problem}: {value!r}")


def _texts(source: str, key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(
            isinstance(v, str) and v and v == compact(v) for v in value):
        raise _fail(source, key, "expected a non-empty list of strings without spaces", value)
    return tuple(value)


def parse_level_classes(data: Mapping[str, Any], source: str) -> LevelClasses:
    """Validated classes: known keys only, codes ``[a-z_]+``, no stem in two classes."""
    allowed = {"schema", "suffixes", "level1", "level2"}
    for key in data:
        if key not in allowed:
            raise _fail(source, key, f"unknown key (expected one of {sorted(allowed)})", key)
    if data.get("schema") != SCHEMA_VERSION:
        raise _fail(source, "schema", f"unsupported schema version (expected "
                    f"{SCHEMA_VERSION})", data.get("schema"))
    suffixes = _texts(source, "suffixes", data.get("suffixes"))
    classes: list[LevelClass] = []
    levels: tuple[Level, ...] = (1, 2)
    for level in levels:
        table = data.get(f"level{level}")
        if not isinstance(table, dict) or not table:
            raise _fail(source, f"level{level}", "expected a table of classes", table)
        seen: dict[str, str] = {}
        for code, spec in table.items():
            where = f"level{level}.{code}"
            if not code.replace("_", "").isalpha() or not code.islower():
                raise _fail(source, where, "a class code is [a-z_]+", code)
            if not isinstance(spec, dict) or set(spec) != {"label", "meaning", "stems"}:
                raise _fail(source, where, "expected label, meaning and stems", spec)
            stems = _texts(source, f"{where}.stems", spec["stems"])
            for stem in stems:
                if stem in seen:
                    raise _fail(source, f"{where}.stems", f"also a stem of {seen[stem]}", stem)
                seen[stem] = where
            classes.append(LevelClass(level, code, str(spec["label"]), str(spec["meaning"]),
                                      stems))
    return LevelClasses(tuple(classes), suffixes)


@cache
def level_classes(path: Path = LEVELS_FILE) -> LevelClasses:
    """The shipped classes (read once per process)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: cannot be read as TOML: {exc}") from exc
    return parse_level_classes(data, str(path))


def classify_levels(level1: str | None, level2: str | None) -> tuple[str | None, str | None]:
    """``(level1_std, level2_std)`` of a printed pair of headings."""
    classes = level_classes()
    return classes.classify(1, level1), classes.classify(2, level2)
