"""Input problems a person can act on: which file, where, what was expected, what was found."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["InputError", "Problem"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One mistake in one input file.

    `where` is a key path ("music.daypart[1].playlist") or a line ("line 12").
    """

    file: Path
    where: str
    expected: str
    found: str
    hint: str = ""

    def __str__(self) -> str:
        place = f"{self.file}" + (f": {self.where}" if self.where else "")
        text = f"{place}: expected {self.expected}, found {self.found}"
        return f"{text}. {self.hint}" if self.hint else text


class InputError(Exception):
    """Raised with every problem found in an input, so that all of them can be fixed at once."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
