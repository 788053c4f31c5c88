"""The switchboard's greeting (S1): "<store>,您早!" before the cut-over, "<store>,您好!" from
it until midnight. Pure: the instant is passed in and read on the store's wall clock.

`greeting(at, store, morning_until, zone)` also says when the phrase next changes (the
cut-over, or the midnight that starts the morning again), so a console can switch on the
second without polling; in a daylight-saving zone both are the store's wall-clock times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from daemon.recurrence import local_instant

__all__ = ["MORNING", "Greeting", "greeting"]

MORNING = "{store},您早!"
DAYTIME = "{store},您好!"
DEFAULT_MORNING_UNTIL = time(10, 0)


@dataclass(frozen=True, slots=True)
class Greeting:
    text: str
    morning: bool
    changes_at: datetime  # the next instant the phrase changes, in the store's zone


def greeting(at: datetime, store: str, morning_until: time, zone: ZoneInfo) -> Greeting:
    """The phrase for the aware instant `at` (a naive one is read as the store's time)."""
    local = at.replace(tzinfo=zone) if at.tzinfo is None else at.astimezone(zone)
    day = local.date()
    cutover = datetime.fromtimestamp(local_instant(day, morning_until, zone), zone)
    if local < cutover:
        return Greeting(MORNING.format(store=store), True, cutover)
    midnight = datetime.fromtimestamp(local_instant(day + timedelta(days=1), time(0), zone), zone)
    return Greeting(DAYTIME.format(store=store), False, midnight)
