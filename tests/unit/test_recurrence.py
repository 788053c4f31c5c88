"""Wall-clock rules to instants, DST included."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

import pytest

from daemon.recurrence import format_local, local_instant, parse_clock, parse_window

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10:30", time(10, 30)),
        ("9:05", time(9, 5)),
        ("22:00:15", time(22, 0, 15)),
        ("24:00", time.max),
        ("24:01", None),
        ("25:00", None),
        ("10:60", None),
        ("ten", None),
        ("", None),
    ],
)
def test_parse_clock(text: str, expected: time | None) -> None:
    assert parse_clock(text) == expected


def test_parse_window() -> None:
    assert parse_window("11:00 - 13:30") == (time(11), time(13, 30))
    assert parse_window("13:30-11:00") is None
    assert parse_window("lunch") is None


@pytest.mark.parametrize(
    ("day", "clock", "shown"),
    [
        (date(2026, 3, 29), time(1, 59), "2026-03-29T01:59:00.000+01:00"),
        (date(2026, 3, 29), time(2, 30), "2026-03-29T03:30:00.000+02:00"),  # in the gap: moved on
        (date(2026, 3, 29), time(3, 0), "2026-03-29T03:00:00.000+02:00"),
        (date(2026, 10, 25), time(2, 30), "2026-10-25T02:30:00.000+02:00"),  # twice: the first
        (date(2026, 10, 25), time(3, 0), "2026-10-25T03:00:00.000+01:00"),
        (date(2026, 11, 23), time.max, "2026-11-24T00:00:00.000+01:00"),
    ],
)
def test_local_instant_across_dst(day: date, clock: time, shown: str) -> None:
    assert format_local(local_instant(day, clock, BERLIN), BERLIN) == shown


def test_days_with_a_dst_change_are_23_and_25_hours_long() -> None:
    def length(day: date) -> float:
        return local_instant(day, time.max, BERLIN) - local_instant(day, time(0), BERLIN)

    assert [length(date(2026, 3, 29)), length(date(2026, 10, 25)), length(date(2026, 11, 23))] == [
        23 * 3600, 25 * 3600, 24 * 3600,
    ]  # fmt: skip


def test_shanghai_has_no_dst() -> None:
    zone = ZoneInfo("Asia/Shanghai")
    assert format_local(local_instant(date(2026, 11, 23), time(10), zone), zone) == (
        "2026-11-23T10:00:00.000+08:00"
    )
