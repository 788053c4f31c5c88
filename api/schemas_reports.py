"""Response bodies of proof of play (`GET /api/reports/plays`), mirroring
`daemon.views_reports`. The report's range is `from` and `to` in JSON, as in the query."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.schemas import ResponseBody

__all__ = [
    "CampaignDayOut",
    "CampaignOut",
    "CampaignTotalOut",
    "PlayOut",
    "PlaysReportOut",
]

Outcome = Literal["aired", "cut_by_emergency", "cut"]


class CampaignOut(ResponseBody):
    id: str
    title: str


class PlayOut(ResponseBody):
    campaign: str
    title: str
    date: str
    start: str
    end: str
    seconds: float
    outcome: Outcome
    reason: str


class CampaignDayOut(ResponseBody):
    date: str
    campaign: str
    title: str
    plays: int = Field(description="aired in full")
    cut_by_emergency: int
    cut_other: int = Field(description="cut when the service stopped, or by a bad file")
    times: list[str] = Field(description="HH:MM:SS, the store's clock: each play in full")
    cut_by_emergency_times: list[str]
    cut_other_times: list[str]


class CampaignTotalOut(ResponseBody):
    campaign: str
    title: str
    plays: int
    cut_by_emergency: int
    cut_other: int
    days_aired: int


class PlaysReportOut(ResponseBody):
    first: str = Field(serialization_alias="from", description="the first day, YYYY-MM-DD")
    last: str = Field(serialization_alias="to", description="the last day (included)")
    zone: str
    campaign: str | None
    days: list[str]
    campaigns: list[CampaignOut] = Field(description="every campaign one may ask for")
    rows: list[CampaignDayOut] = Field(description="one per campaign per day, by day")
    totals: list[CampaignTotalOut]
    plays: list[PlayOut] = Field(description="every airing, in start order")
