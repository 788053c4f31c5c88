"""Proof of play as the API shows it: per campaign and day, plays in full, cuts by an
emergency, other cuts, and when each aired. Re-exported by `daemon.views`, the API's door.
Days are ISO dates (YYYY-MM-DD) of the store's calendar; instants ISO 8601 in the store's
zone to the millisecond; `times` the store's wall clock (HH:MM:SS) of each airing's start."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CampaignDayView",
    "CampaignRef",
    "CampaignTotalView",
    "PlayView",
    "PlaysReport",
    "ReportFile",
]


@dataclass(frozen=True, slots=True)
class CampaignRef:
    """A campaign one may ask a report of: one that went on air, or is on today's plan."""

    id: str
    title: str


@dataclass(frozen=True, slots=True)
class PlayView:
    """One airing of a campaign, from the as-run log."""

    campaign: str
    title: str
    date: str
    start: str
    end: str
    seconds: float  # how long it was on air
    outcome: str  # aired (in full), cut_by_emergency, cut (the service stopped, a bad file)
    reason: str  # the log's reason, for a cut


@dataclass(frozen=True, slots=True)
class CampaignDayView:
    """One campaign on one day of the range (zeros included)."""

    date: str
    campaign: str
    title: str
    plays: int  # aired in full
    cut_by_emergency: int
    cut_other: int
    times: tuple[str, ...]  # the start of each play in full
    cut_by_emergency_times: tuple[str, ...]
    cut_other_times: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CampaignTotalView:
    campaign: str
    title: str
    plays: int
    cut_by_emergency: int
    cut_other: int
    days_aired: int  # days with at least one play in full


@dataclass(frozen=True, slots=True)
class PlaysReport:
    """`GET /api/reports/plays`: the range asked (`first` to `last`, both included), the
    campaign asked (None: every one that aired in it), and the counts."""

    first: str
    last: str
    zone: str  # the store's time zone, whose calendar the days are
    campaign: str | None
    days: tuple[str, ...]  # every day of the range
    campaigns: tuple[CampaignRef, ...]  # every campaign one may ask for, by id
    rows: tuple[CampaignDayView, ...]  # by day, then campaign id
    totals: tuple[CampaignTotalView, ...]  # by campaign id
    plays: tuple[PlayView, ...]  # every airing in the range, in start order


@dataclass(frozen=True, slots=True)
class ReportFile:
    """A report as a file to download: its name and bytes (CSV: UTF-8 with BOM)."""

    filename: str
    data: bytes
