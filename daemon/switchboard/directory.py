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
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Literal

from pypinyin import Style, lazy_pinyin, pinyin

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
MAX_READINGS = 32
"""Readings (combinations of the readings of each character) indexed per name."""

MAX_NAME = 20
MAX_ID = 40
MAX_DEPARTMENT = 40
MAX_DUTIES = 20
MAX_DUTY = 20
MAX_LANGUAGES = 10
MAX_WINDOWS = 14
MAX_NOTE = 200

SURNAME_READINGS: dict[str, str] = {
    # one character: the surname reading where it is not the everyday one
    "单": "shan", "單": "shan", "曾": "zeng", "区": "ou", "區": "ou", "仇": "qiu",
    "解": "xie", "查": "zha", "朴": "piao", "乐": "yue", "樂": "yue", "盖": "ge",
    "蓋": "ge", "缪": "miao", "繆": "miao", "翟": "zhai", "覃": "qin", "尉": "wei",
    "种": "chong", "種": "chong", "员": "yun", "員": "yun", "召": "shao", "秘": "bi",
    "句": "gou", "折": "she", "繁": "po", "华": "hua", "任": "ren", "洗": "xian",
    "谌": "chen", "能": "nai", "黑": "he", "隗": "wei", "訾": "zi", "那": "na",
    "燕": "yan", "莘": "shen", "应": "ying", "祭": "zhai", "纪": "ji", "过": "guo",
    "长": "chang", "藏": "zang", "宿": "su", "都": "du", "哈": "ha", "贾": "jia",
    # two characters (compound surnames): read as one
    "单于": "chan yu", "尉迟": "yu chi", "万俟": "mo qi", "长孙": "zhang sun",
    "澹台": "tan tai", "令狐": "ling hu", "宇文": "yu wen", "司马": "si ma",
}  # fmt: skip
"""Surname readings (toneless pinyin, syllables split by spaces) that rank first: for a
name starting with a compound surname (two characters) or one of these characters."""

LANGUAGE_NAMES: dict[str, tuple[str, ...]] = {
    "zh": ("普通话", "中文", "汉语", "国语", "mandarin", "chinese", "putonghua"),
    "yue": ("粤语", "广东话", "白话", "cantonese"),
    "en": ("英语", "英文", "english"),
    "ja": ("日语", "日文", "日本语", "japanese"),
    "ko": ("韩语", "韩文", "朝鲜语", "korean"),
    "fr": ("法语", "法文", "french"),
    "de": ("德语", "德文", "german"),
    "es": ("西班牙语", "西语", "spanish"),
    "pt": ("葡萄牙语", "葡语", "portuguese"),
    "it": ("意大利语", "意语", "italian"),
    "ru": ("俄语", "俄文", "russian"),
    "ar": ("阿拉伯语", "arabic"),
    "th": ("泰语", "泰文", "thai"),
    "vi": ("越南语", "vietnamese"),
    "ms": ("马来语", "malay"),
    "id": ("印尼语", "indonesian"),
    "hi": ("印地语", "hindi"),
    "csl": ("手语", "中国手语", "sign language"),
}
"""ISO 639 codes and the names they are known by; the first name is the one shown."""

_LANGUAGE_ALIASES = {
    name.casefold().replace(" ", ""): code
    for code, names in LANGUAGE_NAMES.items()
    for name in (code, *names)
}
_CODE_RE = re.compile(r"[a-z]{2,3}")
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_EXTENSION_RE = re.compile(r"[0-9]{2,8}")
_FORMULA_START = ("=", "+", "-", "@")  # a spreadsheet would run the cell as a formula
LIST_SEPARATORS = "、,，;；/ \u3000\t"
"""Characters that separate the items of a list (duties, languages) in one text."""


def language_code(text: str) -> str | None:
    """The ISO 639 code of a language named in `text` (英语, English, en, 日文 ...), or None.

    Any other two- or three-letter Latin word is taken as a code as it stands.
    """
    folded = unicodedata.normalize("NFKC", text).strip().casefold().replace(" ", "")
    code = _LANGUAGE_ALIASES.get(folded)
    if code is None and _CODE_RE.fullmatch(folded):
        return folded
    return code


# --- duty hours ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DutyWindow:
    """On duty from `start` to `end` (minutes after midnight) on each of `days` (ISO 1-7).

    `end` may be 1440 (24:00). A window whose `end` is before its `start` runs across
    midnight into the next day: `days` are the days it starts on.
    """

    days: frozenset[int]
    start: int
    end: int

    def __post_init__(self) -> None:
        if not self.days or not self.days <= frozenset(range(1, 8)):
            raise ValueError(f"days must be ISO weekdays 1-7, not {sorted(self.days)}")
        if not 0 <= self.start < 1440 or not 0 < self.end <= 1440 or self.start == self.end:
            raise ValueError(f"a window must last: {self.start}-{self.end} minutes")

    def covers(self, weekday: int, second: float) -> bool:
        """Whether the window holds at `second` after midnight of ISO `weekday`."""
        start, end = self.start * 60, self.end * 60
        if start < end:
            return weekday in self.days and start <= second < end
        yesterday = 7 if weekday == 1 else weekday - 1
        return (weekday in self.days and second >= start) or (
            yesterday in self.days and second < end
        )


_DAY_WORDS: dict[str, frozenset[int]] = {
    **{
        name: frozenset({number})
        for number, names in enumerate(
            [
                ("一", "1", "mon", "monday"),
                ("二", "2", "tue", "tues", "tuesday"),
                ("三", "3", "wed", "wednesday"),
                ("四", "4", "thu", "thur", "thurs", "thursday"),
                ("五", "5", "fri", "friday"),
                ("六", "6", "sat", "saturday"),
                ("日", "天", "七", "7", "sun", "sunday"),
            ],
            start=1,
        )
        for name in names
    },
    **dict.fromkeys(("每天", "每日", "天天", "全周", "daily", "everyday"), frozenset(range(1, 8))),
    **dict.fromkeys(("工作日", "weekdays", "weekday"), frozenset(range(1, 6))),
    **dict.fromkeys(("周末", "weekend", "weekends"), frozenset({6, 7})),
}
_DAY_NAMES = ("", "周一", "周二", "周三", "周四", "周五", "周六", "周日")
_DAY_PREFIX_RE = re.compile(r"^(?:周|星期|礼拜|禮拜)")
_RANGE_MARK = "至到~–—-"
_WINDOW_RE = re.compile(
    r"(?P<days>[^;\n]*?)\s*(?P<start>\d{1,2}:\d{2})\s*[-~至到–—]\s*(?P<end>\d{1,2}:\d{2})"
)
_CLOCK_RE = re.compile(r"(\d{1,2}):(\d{2})")


def _day(word: str) -> frozenset[int] | None:
    if word in _DAY_WORDS:
        return _DAY_WORDS[word]
    return _DAY_WORDS.get(_DAY_PREFIX_RE.sub("", word)) if _DAY_PREFIX_RE.match(word) else None


def _days(text: str) -> frozenset[int]:
    text = re.sub(rf"\s*([{_RANGE_MARK}])\s*", r"\1", text.strip())
    if not text:
        return frozenset(range(1, 8))
    days: set[int] = set()
    for item in re.split(r"[、,/\s]+", text):
        if not item:
            continue
        parts = re.split(rf"[{_RANGE_MARK}]", item)
        if len(parts) == 1 and (found := _day(item)) is not None:
            days |= found
            continue
        ends = [_day(part) for part in parts]
        if len(parts) != 2 or any(end is None or len(end) != 1 for end in ends):
            raise ValueError(item)
        first, last = (min(end or ()) for end in ends)
        day = first
        days.add(day)
        while day != last:
            day = day % 7 + 1
            days.add(day)
    return frozenset(days)


def _minutes(text: str, *, end: bool) -> int:
    match = _CLOCK_RE.fullmatch(text)
    hour, minute = (int(match[1]), int(match[2])) if match else (99, 99)
    if minute > 59 or hour > 24 or (hour == 24 and (minute or not end)):
        raise ValueError(text)
    total = hour * 60 + minute
    return 1440 if end and total == 0 else total


def parse_hours(text: str) -> tuple[DutyWindow, ...]:
    """Duty windows from text such as "周一至周五 09:00-18:00;周六 10:00-16:00".

    Windows are separated by ; , 、 or line breaks; days by 、 , / or spaces; a range of days
    is "周一至周五", "周六到周一" (round the week end) or "mon-fri"; 每天, 工作日 and 周末
    (daily, weekdays, weekend) name groups; no days means every day. English day names
    (mon, monday ...), 周X, 星期X and 礼拜X are read; full-width characters count as their
    half-width forms. An end of 00:00 means midnight (24:00); an end before the start
    runs into the next day. Empty text: no fixed hours. Raises ValueError naming the part
    that could not be read.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    windows: list[DutyWindow] = []
    place = 0
    for match in _WINDOW_RE.finditer(text):
        gap = text[place : match.start()]
        if gap.strip(" \t\n;,、"):
            raise ValueError(gap.strip())
        days_text = match["days"].strip(" \t\n;,、")
        try:
            days = _days(days_text)
        except ValueError as err:
            raise ValueError(str(err) or days_text) from None
        start = _minutes(match["start"], end=False)
        end = _minutes(match["end"], end=True)
        if start == end:
            raise ValueError(match.group().strip())
        windows.append(DutyWindow(days, start, end))
        place = match.end()
    if text[place:].strip(" \t\n;,、"):
        raise ValueError(text[place:].strip())
    if len(windows) > MAX_WINDOWS:
        raise ValueError(f"{len(windows)} windows (at most {MAX_WINDOWS})")
    return tuple(windows)


def _format_days(days: frozenset[int]) -> str:
    if len(days) == 7:
        return "每天"
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{_DAY_NAMES[run[0]]}至{_DAY_NAMES[run[-1]]}")
        else:
            parts.extend(_DAY_NAMES[day] for day in run)
    return "、".join(parts)


def format_hours(windows: Iterable[DutyWindow]) -> str:
    """The text `parse_hours` reads back as `windows`: "周一至周五 09:00-18:00;周六 10:00-16:00"."""
    return ";".join(
        f"{_format_days(w.days)} {w.start // 60:02d}:{w.start % 60:02d}-"
        f"{w.end // 60:02d}:{w.end % 60:02d}"
        for w in windows
    )


# --- people ---------------------------------------------------------------------------


def _text(what: str, value: str, longest: int, *, empty: bool = False) -> None:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be text")
    if value != value.strip() or (not value and not empty) or len(value) > longest:
        raise ValueError(f"{what} must be 1-{longest} characters, no spaces around: {value!r}")
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValueError(f"{what} must not hold control characters or line breaks: {value!r}")
    if value.startswith(_FORMULA_START):
        raise ValueError(f"{what} must not start with = + - or @: {value!r}")


@dataclass(frozen=True, slots=True)
class Person:
    """One entry of the directory. Raises ValueError when a field is out of its bounds.

    `extension`: 2-8 ASCII digits (people may share one). `duties` and `languages` hold
    no duplicates; a duty holds none of `LIST_SEPARATORS`; `languages` are ISO 639 codes
    ("en", "ja", "yue"). `hours` empty: no fixed hours (on duty unknown). `internal`:
    shown only where internal entries are asked for. Text fields hold no line breaks, no
    spaces around them, and do not start with = + - or @ (so no spreadsheet runs them).
    """

    id: str
    name: str
    extension: str
    department: str = ""
    duties: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    hours: tuple[DutyWindow, ...] = ()
    internal: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not _ID_RE.fullmatch(self.id) or len(self.id) > 40:
            raise ValueError(f"id must be 1-{MAX_ID} of A-Z a-z 0-9 . _ -: {self.id!r}")
        _text("name", self.name, MAX_NAME)
        if not isinstance(self.extension, str) or not _EXTENSION_RE.fullmatch(self.extension):
            raise ValueError(f"extension must be 2-8 digits: {self.extension!r}")
        _text("department", self.department, MAX_DEPARTMENT, empty=True)
        _text("note", self.note, MAX_NOTE, empty=True)
        if len(self.duties) > MAX_DUTIES or len(set(self.duties)) != len(self.duties):
            raise ValueError(f"duties must be at most {MAX_DUTIES}, none twice")
        for duty in self.duties:
            _text("a duty", duty, MAX_DUTY)
            if any(ch in LIST_SEPARATORS for ch in duty):
                raise ValueError(f"a duty must not hold a list separator: {duty!r}")
        if len(self.languages) > MAX_LANGUAGES or len(set(self.languages)) != len(self.languages):
            raise ValueError(f"languages must be at most {MAX_LANGUAGES}, none twice")
        for code in self.languages:
            if not isinstance(code, str) or not _CODE_RE.fullmatch(code):
                raise ValueError(f"a language must be an ISO 639 code like en: {code!r}")
        if len(self.hours) > MAX_WINDOWS or not all(isinstance(w, DutyWindow) for w in self.hours):
            raise ValueError(f"hours must be at most {MAX_WINDOWS} duty windows")
        if not isinstance(self.internal, bool):
            raise ValueError("internal must be True or False")


def on_duty(person: Person, at: datetime) -> bool | None:
    """Whether `person` is on duty at local wall time `at`; None when they have no hours."""
    if not person.hours:
        return None
    second = at.hour * 3600 + at.minute * 60 + at.second + at.microsecond / 1e6
    weekday = at.isoweekday()
    return any(window.covers(weekday, second) for window in person.hours)


# --- readings ------------------------------------------------------------------------


def _is_han(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3134F
    )


def _fold(text: str) -> str:
    """Compare-ready text: half-width, lower case, no tone marks, no spaces or apostrophes."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = unicodedata.normalize("NFD", text).replace("u\u0308", "v")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"[\s'’‘`·・.\-_]+", "", text)


def _pin(text: str) -> str:
    """Folded text for comparing pinyin: ü, v and u are one letter (lü = lv = lu)."""
    return text.replace("v", "u")


@lru_cache(maxsize=8192)
def _char_readings(ch: str) -> tuple[str, ...]:
    """Every toneless reading of one character, the commonest first; () if it has none."""
    found = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
    readings = [_pin(r) for r in (found[0] if found else []) if r.isascii() and r.isalpha()]
    return tuple(dict.fromkeys(readings))


@lru_cache(maxsize=8192)
def _run_readings(run: str) -> tuple[tuple[str, ...], ...]:
    """For each character of a run of Chinese characters, its readings, the one its
    context (pypinyin's phrases) gives first, then a surname reading where it starts a name
    is put first by the caller."""
    context = lazy_pinyin(run, style=Style.NORMAL)
    if len(context) != len(run):
        context = ["?"] * len(run)
    out: list[tuple[str, ...]] = []
    for ch, near in zip(run, context, strict=True):
        readings = _char_readings(ch)
        near = _pin(near)
        if near in readings:
            readings = (near, *(r for r in readings if r != near))
        out.append(readings)
    return tuple(out)


def _syllable_choices(name: str) -> list[tuple[str, ...]]:
    """The name as syllables, each with its readings (first: the one ranked first).

    A run of Latin letters or digits is one syllable read as written; other characters
    (spaces, ·, hyphens) only separate.
    """
    choices: list[tuple[str, ...]] = []
    folded = unicodedata.normalize("NFKC", name).casefold()
    for run in re.findall(r"[a-z0-9]+|[^\sa-z0-9]+", folded):
        if run.isascii():
            choices.append((_pin(run),))
            continue
        han = "".join(ch for ch in run if _is_han(ch))
        if han:
            choices.extend(r for r in _run_readings(han) if r)
    stripped = name.strip()
    surname = next(
        (s for s in (stripped[:2], stripped[:1]) if s in SURNAME_READINGS),
        None,
    )
    if surname is not None and choices and _is_han(stripped[0]):
        syllables = SURNAME_READINGS[surname].split()
        for place, syllable in enumerate(syllables[: len(choices)]):
            rest = tuple(r for r in choices[place] if r != syllable)
            choices[place] = (syllable, *rest)
    return choices


def _readings(name: str) -> list[tuple[str, ...]]:
    """Up to `MAX_READINGS` readings of a name (syllable tuples), the first-ranked first,
    then those differing least from it (by the sum of the readings' places)."""
    choices = _syllable_choices(name)
    if not choices:
        return []
    start = (0,) * len(choices)
    heap: list[tuple[int, tuple[int, ...]]] = [(0, start)]
    seen = {start}
    out: list[tuple[str, ...]] = []
    while heap and len(out) < MAX_READINGS:
        cost, picks = heapq.heappop(heap)
        out.append(tuple(choices[i][p] for i, p in enumerate(picks)))
        for i, p in enumerate(picks):
            if p + 1 < len(choices[i]):
                nxt = (*picks[:i], p + 1, *picks[i + 1 :])
                if nxt not in seen:
                    seen.add(nxt)
                    heapq.heappush(heap, (cost + 1, nxt))
    return out


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
        read = [(person, _readings(person.name)) for person in people]
        ids = [person.id for person, _ in read]
        if len(set(ids)) != len(ids):
            twice = sorted({i for i in ids if ids.count(i) > 1})
            raise ValueError(f"ids used twice: {', '.join(twice[:5])}")
        read.sort(key=lambda pair: (" ".join(pair[1][0]) if pair[1] else "", pair[0].name))
        self._people = [person for person, _ in read]
        folded = [_fold(person.name) for person in self._people]
        self._names = _grouped((name, n) for n, name in enumerate(folded))
        self._all_names = "\n".join(folded)  # folded names hold no line break
        self._starts: list[int] = []
        place = 0
        for name in folded:
            self._starts.append(place)
            place += len(name) + 1
        self._extensions = _grouped((p.extension, n) for n, p in enumerate(self._people))
        self._sorted_extensions = sorted(self._extensions)
        self._departments = _grouped((_fold(p.department), n) for n, p in enumerate(self._people))
        self._shown_departments = {_fold(p.department): p.department for p in self._people}
        self._duties = _grouped(
            (_fold(duty), n) for n, p in enumerate(self._people) for duty in p.duties
        )
        self._shown_duties = {_fold(d): d for p in self._people for d in p.duties}
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

    def search(
        self, query: str, at: datetime, limit: int = 20, include_internal: bool = False
    ) -> list[Match]:
        """Up to `limit` people matching `query`, best first, each once (at its best rank).

        The query is folded: spaces around it and inside it, apostrophes and tone marks do
        not count, full-width letters and digits count as half-width ones, case does not
        count, ü = v = u. Only its first `MAX_QUERY` characters count. Empty: no matches.

        Ranks (the RANK_* constants): the extension exactly; the name exactly; the start
        of the name or of its first reading (surname reading, then context) in full pinyin
        or initials ("st", "shantian" for 单田芳); the start of any other reading ("dtf");
        part of the name or the start of the extension; part of the department or of a
        duty; Chinese characters sounding like the name's start; a language spoken.
        At equal rank: on duty first, then those with no hours, then off duty; then in the
        directory's order (`people`). Internal entries only with `include_internal`.
        """
        text = _fold(query[: MAX_QUERY * 2])[:MAX_QUERY]
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
        has_han = any(_is_han(ch) for ch in text)
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
        pin = _pin(text)
        if pin.isascii() and pin.isalpha():
            for key, n, rank, why in self._keys.prefixed(pin):
                offer(n, rank, why, key)
        elif has_han:
            sound = "".join(r[0] for r in _syllable_choices(text) if r)
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
