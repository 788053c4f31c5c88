"""The staff directory the switchboard finds extensions in (S2, S5). Pure.

People are found by name (Chinese characters, full pinyin or pinyin initials), extension,
department, duty or language spoken. Chinese surnames are read as surnames: 单 is Shàn,
曾 Zēng, 区 Ōu (`SURNAME_READINGS`), and that reading ranks first; every other reading of
every character is indexed too (at most `MAX_READINGS` per name), so a caller's spelling
that follows the everyday reading (单 dan) still finds the person, one rank lower.

Nothing here reads a clock: the instant of a search is passed in as `at`, the store's
local wall time (its own fields are read, aware or naive).
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from daemon.switchboard.hours import DutyWindow, format_hours, parse_hours
from daemon.switchboard.people import (
    LANGUAGE_NAMES,
    LIST_SEPARATORS,
    Person,
    language_code,
    on_duty,
)
from daemon.switchboard.readings import (
    MAX_READINGS,
    SURNAME_READINGS,
    fold_text,
    is_han,
    name_readings,
    pinyin_key,
    syllable_choices,
)

__all__ = [
    "LANGUAGE_NAMES",
    "LIST_SEPARATORS",
    "MAX_QUERY",
    "MAX_READINGS",
    "RANK_DEPARTMENT",
    "RANK_EXTENSION",
    "RANK_FIRST_READING",
    "RANK_LANGUAGE",
    "RANK_NAME",
    "RANK_OTHER_READING",
    "RANK_PART",
    "RANK_SOUND",
    "SURNAME_READINGS",
    "Directory",
    "DutyWindow",
    "Match",
    "Person",
    "Why",
    "format_hours",
    "language_code",
    "on_duty",
    "parse_hours",
]

MAX_QUERY = 40
"""Characters of a search query that count; the rest of a longer query is ignored."""

# --- search ---------------------------------------------------------------------------

Why = Literal["extension", "name", "pinyin", "initials", "department", "duty", "sound", "language"]

RANK_EXTENSION = 0  # the extension, exactly
RANK_NAME = 1  # the name, exactly
RANK_FIRST_READING = 2  # start of the name; start of its surname reading's pinyin/initials
RANK_OTHER_READING = 3  # start of any other reading's pinyin or initials
RANK_PART = 4  # part of the name; start of the extension
RANK_DEPARTMENT = 5  # part of the department or of a duty
RANK_SOUND = 6  # Chinese characters that sound like the start of the name (張三: 张三)
RANK_LANGUAGE = 7  # a language spoken


@dataclass(frozen=True, slots=True)
class Match:
    """A person found: whether on duty at the search's instant (None: no hours), why they
    matched, the indexed text that matched (a pinyin key, a duty ...) and the rank (lower
    comes first; the RANK_* constants)."""

    person: Person
    on_duty: bool | None
    why: Why
    matched: str
    rank: int


@dataclass(slots=True)
class _Keys:
    """Sorted keys, for prefix look-ups by bisection."""

    keys: list[str] = field(default_factory=list)
    hits: list[tuple[int, int, Why]] = field(default_factory=list)  # (person, rank, why)

    def prefixed(self, prefix: str) -> Iterable[tuple[str, int, int, Why]]:
        """(key, person, rank, why) of every key starting with `prefix`."""
        i = bisect_left(self.keys, prefix)
        while i < len(self.keys) and self.keys[i].startswith(prefix):
            n, rank, why = self.hits[i]
            yield self.keys[i], n, rank, why
            i += 1


def _grouped(pairs: Iterable[tuple[str, int]]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for key, n in pairs:
        if key:
            groups.setdefault(key, []).append(n)
    return groups


class Directory:
    """An index of people, searched by `search` and `speakers`. Built in one go; a changed
    directory is a new Directory. Raises ValueError if two people share an id.

    The directory's order: by the first-ranked pinyin of the name (张三 as "zhang san"),
    then by the name, then as given.
    """

    def __init__(self, people: Iterable[Person]) -> None:
        read = [(person, name_readings(person.name)) for person in people]
        ids = [person.id for person, _ in read]
        if len(set(ids)) != len(ids):
            twice = sorted({i for i in ids if ids.count(i) > 1})
            raise ValueError(f"ids used twice: {', '.join(twice[:5])}")
        read.sort(key=lambda pair: (" ".join(pair[1][0]) if pair[1] else "", pair[0].name))
        self._people = [person for person, _ in read]
        folded = [fold_text(person.name) for person in self._people]
        self._names = _grouped((name, n) for n, name in enumerate(folded))
        self._all_names = "\n".join(folded)  # folded names hold no line break
        self._starts: list[int] = []
        place = 0
        for name in folded:
            self._starts.append(place)
            place += len(name) + 1
        self._extensions = _grouped((p.extension, n) for n, p in enumerate(self._people))
        self._sorted_extensions = sorted(self._extensions)
        self._departments = _grouped(
            (fold_text(p.department), n) for n, p in enumerate(self._people)
        )
        self._shown_departments = {fold_text(p.department): p.department for p in self._people}
        self._duties = _grouped(
            (fold_text(duty), n) for n, p in enumerate(self._people) for duty in p.duties
        )
        self._shown_duties = {fold_text(d): d for p in self._people for d in p.duties}
        self._languages = _grouped(
            (code, n) for n, p in enumerate(self._people) for code in p.languages
        )
        pairs: list[tuple[str, int, int, Why]] = []
        for n, (_, readings) in enumerate(read):
            best: dict[tuple[str, Why], int] = {}
            for place, reading in enumerate(readings):
                rank = RANK_FIRST_READING if place == 0 else RANK_OTHER_READING
                full, initials = "".join(reading), "".join(s[0] for s in reading)
                best.setdefault((full, "pinyin"), rank)
                best.setdefault((initials, "initials"), rank)
            pairs.extend((key, n, rank, why) for (key, why), rank in best.items())
        pairs.sort()
        self._keys = _Keys([p[0] for p in pairs], [(p[1], p[2], p[3]) for p in pairs])

    def __len__(self) -> int:
        return len(self._people)

    @property
    def people(self) -> list[Person]:
        """Everyone, in the directory's order."""
        return list(self._people)

    def departments(self) -> tuple[str, ...]:
        """Every department named, in the order they first appear."""
        return tuple(dict.fromkeys(p.department for p in self._people if p.department))

    def search(
        self, query: str, at: datetime, limit: int = 20, include_internal: bool = False
    ) -> list[Match]:
        """Up to `limit` people matching `query`, best first, each once (at its best rank).

        The query is folded: spaces around it and inside it, apostrophes and tone marks do
        not count, full-width letters and digits count as half-width ones, case does not
        count, ü = v = u. Only the first `MAX_QUERY` characters of the folded query count
        (folded from at most twice as many of the query given); the rest is ignored, never
        refused. Empty after folding, or `limit` below 1: no matches.

        Ranks (the RANK_* constants): the extension exactly; the name exactly; the start
        of the name or of its first reading (surname reading, then context) in full pinyin
        or initials ("st", "shantian" for 单田芳); the start of any other reading ("dtf");
        part of the name or the start of the extension; part of the department or of a
        duty; Chinese characters sounding like the name's start; a language spoken.
        At equal rank: on duty first, then those with no hours, then off duty; then in the
        directory's order (`people`). Internal entries only with `include_internal`.
        """
        text = fold_text(query[: MAX_QUERY * 2])[:MAX_QUERY]
        if not text or limit <= 0:
            return []
        found: dict[int, tuple[int, Why, str]] = {}

        def offer(n: int, rank: int, why: Why, matched: str) -> None:
            if n not in found or rank < found[n][0]:
                found[n] = (rank, why, matched)

        for n in self._extensions.get(text, ()):
            offer(n, RANK_EXTENSION, "extension", text)
        for n in self._names.get(text, ()):
            offer(n, RANK_NAME, "name", self._people[n].name)
        has_han = any(is_han(ch) for ch in text)
        at_char = self._all_names.find(text)
        while at_char >= 0:
            n = bisect_right(self._starts, at_char) - 1
            first = has_han and at_char == self._starts[n]
            offer(n, RANK_FIRST_READING if first else RANK_PART, "name", self._people[n].name)
            at_char = self._all_names.find(text, at_char + 1)
        if text.isdigit():
            i = bisect_left(self._sorted_extensions, text)
            while i < len(self._sorted_extensions) and (
                extension := self._sorted_extensions[i]
            ).startswith(text):
                for n in self._extensions[extension]:
                    offer(n, RANK_PART, "extension", extension)
                i += 1
        for department, group in self._departments.items():
            if text in department:
                for n in group:
                    offer(n, RANK_DEPARTMENT, "department", self._shown_departments[department])
        for duty, group in self._duties.items():
            if text in duty:
                for n in group:
                    offer(n, RANK_DEPARTMENT, "duty", self._shown_duties[duty])
        pin = pinyin_key(text)
        if pin.isascii() and pin.isalpha():
            for key, n, rank, why in self._keys.prefixed(pin):
                offer(n, rank, why, key)
        elif has_han:
            sound = "".join(r[0] for r in syllable_choices(text) if r)
            if sound:
                for key, n, _rank, why in self._keys.prefixed(sound):
                    if why == "pinyin":
                        offer(n, RANK_SOUND, "sound", key)
        code = language_code(text)
        for n in self._languages.get(code or "", ()):
            offer(n, RANK_LANGUAGE, "language", code or "")
        return self._ranked(found, at, limit, include_internal)

    def speakers(self, language: str, at: datetime, include_internal: bool = False) -> list[Match]:
        """Everyone who speaks `language` (a code or a name: en, 英语, English), on duty
        first, then those with no hours, then off duty; then in the directory's order.
        Unknown language: []."""
        code = language_code(language)
        if code is None:
            return []
        found: dict[int, tuple[int, Why, str]] = {
            n: (RANK_LANGUAGE, "language", code) for n in self._languages.get(code, ())
        }
        return self._ranked(found, at, len(found), include_internal)

    def _ranked(
        self,
        found: dict[int, tuple[int, Why, str]],
        at: datetime,
        limit: int,
        include_internal: bool,
    ) -> list[Match]:
        duty_by_hours: dict[tuple[DutyWindow, ...], bool | None] = {}
        ranked: list[tuple[int, int, int]] = []
        for n, (rank, _, _) in found.items():
            person = self._people[n]
            if person.internal and not include_internal:
                continue
            if person.hours not in duty_by_hours:
                duty_by_hours[person.hours] = on_duty(person, at)
            duty = duty_by_hours[person.hours]
            ranked.append((rank, 0 if duty is True else 1 if duty is None else 2, n))
        matches: list[Match] = []
        for rank, _, n in heapq.nsmallest(limit, ranked):
            person, (_, why, matched) = self._people[n], found[n]
            matches.append(Match(person, duty_by_hours[person.hours], why, matched, rank))
        return matches
