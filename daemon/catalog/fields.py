"""Typed reads from one parsed TOML/JSON table that collect problems instead of raising.

Every loader reads through `Fields`, so every mistake is reported the same way: the file,
the key path (or line), what was expected, what was found, and what to do.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from daemon.catalog.problems import InputError, Problem
from daemon.files import read_regular
from daemon.recurrence import parse_clock

__all__ = ["Fields", "describe", "line_of", "read_toml"]

_TOML_PLACE = re.compile(r"^(.*) \((?:at )?(line \d+, column \d+|end of document)\)$")


def describe(value: object) -> str:
    """A short, human description of a found value."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f'"{shown}"'
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a table"
    return f"{value!s} ({type(value).__name__})"


def line_of(raw: bytes, offset: int) -> str:
    """The line ("line N") that holds byte `offset` of a file's bytes."""
    newlines = raw[:offset].count(b"\n")
    return f"line {newlines + 1}"


def _toml_problem(path: Path, err: tomllib.TOMLDecodeError) -> Problem:
    """Split tomllib's "Invalid value (at line 3, column 8)" into where and what."""
    match = _TOML_PLACE.match(str(err))
    message, where = (match[1], match[2]) if match else (str(err), "")
    if message == "Invalid value" or message.startswith("Expected newline"):
        hint = 'texts need double quotes: name = "..."; times too: opening = "10:00"'
    elif message == "Illegal character '\\n'":
        hint = "a text is missing its closing quote"
    elif "twice" in message or "overwrite" in message:
        hint = "each key and each [table] may appear only once"
    else:
        hint = "see https://toml.io for the syntax"
    return Problem(
        path, where.replace("end of document", "end of file"), "valid TOML", message, hint
    )


MAX_TEXT_FILE = 10_000_000  # bytes of a config, script or events file


def read_text(path: Path, what: str, missing_hint: str) -> str:
    """A UTF-8 text file (BOM allowed); every failure is an InputError naming the file."""
    try:
        raw = read_regular(path, MAX_TEXT_FILE)
    except FileNotFoundError:
        raise InputError([Problem(path, "", what, "no such file", missing_hint)]) from None
    except OSError as err:
        problem = Problem(path, "", f"{what} that can be read", err.strerror or str(err))
        raise InputError([problem]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        problem = Problem(
            path,
            line_of(raw, err.start),
            "UTF-8 text",
            "bytes that are not UTF-8 (GBK or Big5?)",
            "save the file as UTF-8 (in Notepad: File > Save As, Encoding: UTF-8)",
        )
        raise InputError([problem]) from None


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """Parse a TOML file, turning every failure into an InputError naming the file."""
    hint = "check the path (relative paths start at the config's folder)"
    text = read_text(path, f"a {what} file", hint)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError([_toml_problem(path, err)]) from None


class Fields:
    """Reader over one table; problems go to the shared `problems` list."""

    def __init__(
        self,
        file: Path,
        table: Mapping[str, Any],
        prefix: str,
        problems: list[Problem],
        *,
        json: bool = False,
    ):
        self.file, self.table, self.prefix, self.problems = file, table, prefix, problems
        self.json = json  # hints then show JSON ("key": ...) instead of TOML (key = ...)

    def where(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key

    def problem(self, key: str, expected: str, found: str, hint: str = "") -> None:
        self.problems.append(Problem(self.file, self.where(key), expected, found, hint))

    def missing(self, key: str, expected: str, hint: str = "") -> None:
        """Report a required key that is not there."""
        if not hint:
            hint = f'add "{key}": ...' if self.json else f"add {key} = ..."
        self.problem(key, expected, "nothing (the key is missing)", hint)

    def _get(self, key: str, expected: str, required: bool, hint: str = "") -> Any:
        if key not in self.table:
            if required:
                self.missing(key, expected, hint)
            return None
        return self.table[key]

    def only(self, allowed: Iterable[str]) -> None:
        """Report keys this table does not know, suggesting the nearest known one."""
        allowed = list(allowed)
        for key in self.table:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = (
                    f'did you mean "{close[0]}"?' if close else f"known keys: {', '.join(allowed)}"
                )
                self.problem(key, "a known key", f'"{key}"', hint)

    def text(self, key: str, required: bool = True, default: str | None = None) -> str | None:
        hint = f'add "{key}": "..."' if self.json else f'add {key} = "..."'
        value = self._get(key, "text", required, hint)
        if value is None:
            return default
        if not isinstance(value, str) or not value.strip():
            self.problem(key, "non-empty text in quotes", describe(value))
            return default
        return value.strip()

    def integer(
        self, key: str, default: int | None, low: int, high: int, required: bool = False
    ) -> int | None:
        """A whole number from `low` to `high`; else a problem (and `default`)."""
        expected = f"a whole number from {low} to {high}"
        value = self._get(key, expected, required)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(key, expected, describe(value), _default_hint(key, default))
            return default
        return value

    def number(
        self, key: str, default: float | None, low: float, high: float, required: bool = False
    ) -> float | None:
        """A finite number from `low` to `high` (nan and inf are neither); else a problem."""
        expected = f"a number from {low:g} to {high:g}"
        value = self._get(key, expected, required)
        if value is None:
            return default
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not low <= value <= high
        ):
            self.problem(key, expected, describe(value), _default_hint(key, default))
            return default
        return float(value)

    def choice(self, key: str, options: Iterable[str], default: str, required: bool = False) -> str:
        options = list(options)
        expected = " or ".join(f'"{o}"' for o in options)
        hint = f'add "{key}": "{options[0]}"' if self.json else f'add {key} = "{options[0]}"'
        value = self._get(key, expected, required, hint)
        if value is None:
            return default
        if value not in options:
            close = difflib.get_close_matches(str(value), options, n=1)
            hint = f'did you mean "{close[0]}"?' if close else ""
            self.problem(key, expected, describe(value), hint)
            return default
        return str(value)

    def clock(self, key: str, required: bool = True) -> time | None:
        hint = f'add "{key}": "10:30"' if self.json else f'add {key} = "10:30"'
        return self.clock_value(key, self._get(key, 'a 24-hour time like "10:30"', required, hint))

    def clock_value(self, key: str, value: Any) -> time | None:
        if value is None:
            return None
        if isinstance(value, time):
            return value
        parsed = parse_clock(value) if isinstance(value, str) else None
        if parsed is None:
            self.problem(key, 'a 24-hour time like "10:30"', describe(value))
        return parsed

    def day(self, key: str, required: bool = False) -> date | None:
        value = self._get(key, "a date like 2026-11-23", required)
        if value is None:
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.problem(key, "a date like 2026-11-23", describe(value))
        return None

    def texts(self, key: str, expected: str = 'a list of texts like ["a", "b"]') -> tuple[str, ...]:
        value = self._get(key, expected, False)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(key, expected, describe(value))
            return ()
        bad = [v for v in value if not isinstance(v, str) or not v.strip()]
        if bad:
            self.problem(key, expected, f"{describe(bad[0])} in the list", "put each in quotes")
            return ()
        return tuple(v.strip() for v in value)

    def path(self, key: str, base: Path, required: bool = True) -> Path | None:
        """A file or folder path; relative paths resolve against `base`."""
        value = self.text(key, required)
        return None if value is None else (base / Path(value).expanduser())

    def table_list(self, key: str) -> list[Fields]:
        value = self._get(key, "one or more [[tables]]", False)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(key, f"[[{self.where(key)}]] tables", describe(value))
            return []
        return [
            Fields(self.file, v, f"{self.where(key)}[{i}]", self.problems, json=self.json)
            for i, v in enumerate(value)
        ]

    def sub(self, key: str, required: bool = True) -> Fields:
        table = f"[{self.where(key)}]"
        value = self._get(key, f"a {table} table", required, f"add a {table} section")
        if value is not None and not isinstance(value, dict):
            self.problem(key, f"a {table} table", describe(value))
            value = None
        return Fields(self.file, value or {}, self.where(key), self.problems, json=self.json)


def _default_hint(key: str, default: float | None) -> str:
    return "" if default is None else f"leave {key} out for the default, {default:g}"
