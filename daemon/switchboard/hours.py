"""Duty hours of the staff directory: windows of days and times, read from and written to
the text a person types ("周一至周五 09:00-18:00;周六 10:00-16:00", "mon-fri 9:00-18:00"). Pure."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

MAX_WINDOWS = 14  # duty windows of one person


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
