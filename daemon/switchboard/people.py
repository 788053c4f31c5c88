"""A person of the staff directory, the limits of each field, the languages they speak and
whether they are on duty at an instant. Pure."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from daemon.spreadsheet import FORMULA_START
from daemon.switchboard.hours import MAX_WINDOWS, DutyWindow

MAX_NAME = 20
MAX_ID = 40
MAX_DEPARTMENT = 40
MAX_DUTIES = 20
MAX_DUTY = 20
MAX_LANGUAGES = 10
MAX_NOTE = 200

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
    "csl": ("手语", "中国手语"),
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
LIST_SEPARATORS = "、,，;；/"
"""Characters that separate the items of a list (duties, languages) in one text, as
white space (spaces, line breaks) does."""


def language_code(text: str) -> str | None:
    """The ISO 639 code of a language named in `text` (英语, English, en, 日文 ...), or None.

    Any other two- or three-letter Latin word is taken as a code as it stands.
    """
    folded = unicodedata.normalize("NFKC", text).strip().casefold().replace(" ", "")
    code = _LANGUAGE_ALIASES.get(folded)
    if code is None and _CODE_RE.fullmatch(folded):
        return folded
    return code


def _text(what: str, value: str, longest: int, *, empty: bool = False) -> None:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be text")
    if value != value.strip() or (not value and not empty) or len(value) > longest:
        raise ValueError(f"{what} must be 1-{longest} characters, no spaces around: {value!r}")
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValueError(f"{what} must not hold control characters or line breaks: {value!r}")
    if value.startswith(FORMULA_START):
        raise ValueError(f"{what} must not start with = + - or @: {value!r}")


@dataclass(frozen=True, slots=True)
class Person:
    """One entry of the directory. Raises ValueError when a field is out of its bounds.

    `extension`: 2-8 ASCII digits (people may share one). `duties` and `languages` hold
    no duplicates; a duty holds no white space and none of `LIST_SEPARATORS`; `languages`
    are ISO 639 codes ("en", "ja", "yue"). `hours` empty: no fixed hours (on duty
    unknown). `internal`: shown only where internal entries are asked for. Text fields
    hold no line breaks, no spaces around them, and do not start with = + - or @ (so no
    spreadsheet runs them).
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
        if not isinstance(self.id, str) or not _ID_RE.fullmatch(self.id) or len(self.id) > MAX_ID:
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
            if any(ch in LIST_SEPARATORS or ch.isspace() for ch in duty):
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
