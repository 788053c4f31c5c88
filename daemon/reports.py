"""Proof of play: what the as-run log says each campaign aired, per store-local day. Pure.

Numbers come from the as-run log alone (entries in, counts out): nothing here knows the
schedule, so a play the engine planned and never aired is never counted.

`campaign_plays(entries, zone, first, last)` picks the campaign announcements (kind
`announcement`, source `campaign`) out of as-run entries, gives each the store-local day it
started on, and says how it ended (`Outcome`):

- `aired`: it went out in full (not interrupted);
- `cut_by_emergency`: it was cut, and an emergency item started when it ended (within
  `CUT_TOLERANCE`). The log records *that* an item was cut, not *what* cut it; but while it
  plays, the engine cuts an announcement for an emergency only (an urgent page's deadline cuts
  music, never an announcement), and the emergency's first item starts at the very instant
  the cut one ends. Any other cut is the service stopping with it on air (Ctrl-C, a crash:
  the reason says "the service stopped ..."), or its file failing mid-way (the reason names
  the problem);
- `cut`: cut for one of those other reasons (`Play.reason` says which, when the log does).

A cut play is not a play: `CampaignDay.plays` counts those aired in full. A campaign the
engine cut airs again in full later (B12), and that airing counts as a play of its own.
`daily(...)` counts per campaign per day over every day of a range (zeros included, so a day
without a play shows as one); `totals(...)` sums each campaign over the range.
"""

from __future__ import annotations

import enum
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from daemon.model import AsRunEntry, Instant, ItemKind, Source

__all__ = [
    "CUT_TOLERANCE",
    "MAX_DAYS",
    "CampaignDay",
    "CampaignTotal",
    "Outcome",
    "Play",
    "campaign_plays",
    "daily",
    "days",
    "is_campaign",
    "local_day",
    "totals",
]

CUT_TOLERANCE = 0.5
"""Seconds between a cut campaign's end and an emergency item's start that still make it a
cut by that emergency (the engine makes them equal; a stored float keeps them so)."""

MAX_DAYS = 366
"""The longest range a report covers, in days (both ends included): a whole year, leap or not."""


class Outcome(enum.StrEnum):
    AIRED = "aired"
    CUT_BY_EMERGENCY = "cut_by_emergency"
    CUT = "cut"


@dataclass(frozen=True, slots=True)
class Play:
    """One airing of a campaign, as the log has it."""

    campaign: str  # the script's id
    title: str
    day: date  # the store-local day it started on
    start: Instant
    end: Instant
    outcome: Outcome
    reason: str = ""  # the log's reason, for a cut


@dataclass(frozen=True, slots=True)
class CampaignDay:
    """One campaign on one day: its airings by outcome, each in start order."""

    day: date
    campaign: str
    title: str
    aired: tuple[Play, ...] = ()
    cut_by_emergency: tuple[Play, ...] = ()
    cut: tuple[Play, ...] = ()

    @property
    def plays(self) -> int:
        """Airings in full: what the campaign was played."""
        return len(self.aired)


@dataclass(frozen=True, slots=True)
class CampaignTotal:
    campaign: str
    title: str
    plays: int
    cut_by_emergency: int
    cut: int
    days_aired: int  # days with at least one play in full


def is_campaign(entry: AsRunEntry) -> bool:
    return entry.kind is ItemKind.ANNOUNCEMENT and entry.source is Source.CAMPAIGN


def local_day(instant: Instant, zone: ZoneInfo) -> date:
    """The store's calendar day at `instant`."""
    return datetime.fromtimestamp(instant, zone).date()


def days(first: date, last: date) -> list[date]:
    """Every day from `first` to `last`, both included (none if `first` is after `last`)."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def campaign_plays(
    entries: Iterable[AsRunEntry],
    zone: ZoneInfo,
    first: date | None = None,
    last: date | None = None,
) -> list[Play]:
    """The campaign airings among `entries` (any kinds, any order), those that started on
    a store-local day from `first` to `last` (None: no bound), in start order. Emergency
    items among `entries` tell a cut by an emergency: pass those that start up to
    `CUT_TOLERANCE` after the last campaign's end too."""
    entries = list(entries)
    emergency_starts = sorted(e.start for e in entries if e.kind is ItemKind.EMERGENCY)
    found = []
    for entry in sorted((e for e in entries if is_campaign(e)), key=lambda e: e.start):
        day = local_day(entry.start, zone)
        if (first is not None and day < first) or (last is not None and day > last):
            continue
        outcome = Outcome.AIRED
        if entry.interrupted:
            outcome = Outcome.CUT
            if _starts_near(emergency_starts, entry.end):
                outcome = Outcome.CUT_BY_EMERGENCY
        reason = entry.reason if outcome is Outcome.CUT else ""
        found.append(Play(entry.ref, entry.title, day, entry.start, entry.end, outcome, reason))
    return found


def daily(
    plays: Iterable[Play],
    first: date,
    last: date,
    campaigns: Mapping[str, str] | None = None,
) -> list[CampaignDay]:
    """One `CampaignDay` per campaign per day from `first` to `last`, by day then campaign
    id, zeros included. The campaigns are those of `campaigns` (id -> title; a title the log
    has wins, the latest one) if given, else every campaign among `plays`; plays of other
    campaigns or outside the range are left out."""
    plays = [p for p in plays if first <= p.day <= last]
    titles = dict(campaigns) if campaigns is not None else {}
    for play in sorted(plays, key=lambda p: p.start):
        if campaigns is None or play.campaign in titles:
            titles[play.campaign] = play.title
    grouped: dict[tuple[date, str], list[Play]] = {}
    for play in sorted(plays, key=lambda p: p.start):
        grouped.setdefault((play.day, play.campaign), []).append(play)
    rows = []
    for day in days(first, last):
        for campaign in sorted(titles):
            mine = grouped.get((day, campaign), [])
            rows.append(
                CampaignDay(
                    day,
                    campaign,
                    titles[campaign],
                    _of(mine, Outcome.AIRED),
                    _of(mine, Outcome.CUT_BY_EMERGENCY),
                    _of(mine, Outcome.CUT),
                )
            )
    return rows


def totals(rows: Sequence[CampaignDay]) -> list[CampaignTotal]:
    """Each campaign of `rows` summed over its days, by campaign id."""
    by_campaign: dict[str, list[CampaignDay]] = {}
    for row in rows:
        by_campaign.setdefault(row.campaign, []).append(row)
    return [
        CampaignTotal(
            campaign,
            mine[-1].title,
            sum(r.plays for r in mine),
            sum(len(r.cut_by_emergency) for r in mine),
            sum(len(r.cut) for r in mine),
            sum(1 for r in mine if r.plays),
        )
        for campaign, mine in sorted(by_campaign.items())
    ]


def _of(plays: Sequence[Play], outcome: Outcome) -> tuple[Play, ...]:
    return tuple(p for p in plays if p.outcome is outcome)


def _starts_near(starts: Sequence[Instant], at: Instant) -> bool:
    """Some instant of the sorted `starts` is within CUT_TOLERANCE of `at`."""
    i = bisect_left(starts, at - CUT_TOLERANCE)
    return i < len(starts) and starts[i] <= at + CUT_TOLERANCE
