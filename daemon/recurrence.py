"""Store-local wall-clock rules turned into instants, for one business day. Pure.

A local time that does not exist on a DST spring-forward day (02:30 in Europe/Berlin on
the last Sunday of March) is moved forward by the gap, as a wall clock would be; a local
time that happens twice on a fall-back day is taken at its first occurrence.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from daemon.model import Instant

__all__ = [
    "WINDOW_RE",
    "format_local",
    "local_instant",
    "parse_clock",
    "parse_window",
    "to_local",
    "weekday_names",
]

_CLOCK_RE = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)(?::([0-5]\d))?$")
WINDOW_RE = re.compile(r"^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$")

weekday_names: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [
            ("mon", "monday", "一"),
            ("tue", "tuesday", "二"),
            ("wed", "wednesday", "三"),
            ("thu", "thursday", "四"),
            ("fri", "friday", "五"),
            ("sat", "saturday", "六"),
            ("sun", "sunday", "日", "天"),
        ],
        start=1,
    )
    for name in names
}
"""Weekday names (English, short or long, or the Chinese numeral of 星期X) to ISO numbers."""


def parse_clock(text: str) -> time | None:
    """'HH:MM' or 'HH:MM:SS' (24:00 allowed, meaning end of day) -> time, or None if malformed.

    24:00 is returned as time.max so that it sorts after every other time of the day.
    """
    match = _CLOCK_RE.match(text.strip())
    if not match:
        return None
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour == 24:
        return time.max if minute == 0 and second == 0 else None
    return time(hour, minute, second)


def parse_window(text: str) -> tuple[time, time] | None:
    """'HH:MM-HH:MM' -> (start, end), or None if malformed or empty."""
    match = WINDOW_RE.match(text)
    if not match:
        return None
    start, end = parse_clock(match[1]), parse_clock(match[2])
    if start is None or end is None or not start < end:
        return None
    return start, end


def local_instant(day: date, clock: time, zone: ZoneInfo) -> Instant:
    """The instant at which the store's wall clock shows `clock` on `day`.

    time.max stands for 24:00, the midnight that ends `day`.
    """
    if clock == time.max:
        return local_instant(day + timedelta(days=1), time(0), zone)
    naive = datetime.combine(day, clock)
    aware = naive.replace(tzinfo=zone, fold=0)
    # A wall time in a spring-forward gap does not survive a round trip through UTC.
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        gap = aware.replace(fold=1).utcoffset() or timedelta()
        before = aware.replace(fold=0).utcoffset() or timedelta()
        aware = (naive + abs(before - gap)).replace(tzinfo=zone)
    return aware.timestamp()


def to_local(instant: Instant, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(instant, zone)


def format_local(instant: Instant, zone: ZoneInfo) -> str:
    """ISO 8601 with the store's UTC offset, to the millisecond: 2026-11-23T10:00:00.000+08:00."""
    return to_local(round(instant, 3), zone).isoformat(timespec="milliseconds")


def local_iso(instant: Instant, zone: ZoneInfo) -> str:
    """The same to the second, for records people keep (2026-11-23T10:00:00+08:00)."""
    return to_local(instant, zone).isoformat(timespec="seconds")
