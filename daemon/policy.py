"""What airs first, and when campaigns are due. Pure.

Priority (highest first): emergency, urgent page, page, fixed, campaign. Within a class:
pages in arrival order, fixed scripts by slot time then binder order (B4), campaigns
least recently aired first, so that a break too small for every due campaign rotates
them fairly over the day (B5). After an emergency no campaign is due for a calm while
(`CampaignBook.calm_from`): a sales pitch is not what people should hear after an evacuation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from daemon.model import (
    AsRunEntry,
    Campaign,
    FixedSlot,
    Insert,
    InsertClass,
    Instant,
    ItemKind,
    Page,
    Source,
)

__all__ = [
    "MAX_PAGE_WAIT",
    "QUEUE_FULL",
    "CampaignBook",
    "first",
    "fixed_insert",
    "page_insert",
    "page_wait",
]

QUEUE_FULL = "the page queue is full"  # how the refusal of a page too many begins
MAX_PAGE_WAIT = 1800.0
"""Seconds a page may expect to wait; past that it is refused at the door with the reason
(a page that airs in an hour finds nobody, and it would push the day's slots back)."""


def page_wait(pages: Sequence[float], per_break: int, stings: float, song: float) -> float:
    """Seconds from a song boundary until the last of `pages` (their lengths, in airing
    order) has aired: breaks of at most `per_break` pages, each with its `stings`, and a song
    of `song` seconds between two breaks."""
    breaks = math.ceil(len(pages) / max(per_break, 1))
    return sum(pages) + breaks * stings + max(0, breaks - 1) * song


def first(inserts: Iterable[Insert]) -> Insert | None:
    """The insert that airs next: highest class, then earliest in its class."""
    return min(inserts, key=lambda i: (i.cls, i.seq), default=None)


def page_insert(page: Page, now: Instant, duration: float, arrival: int) -> Insert:
    cls = InsertClass.URGENT_PAGE if page.urgent else InsertClass.PAGE
    return Insert(
        cls,
        Source.PAGE,
        page.id,
        page.text,
        duration,
        seq=(now, arrival, page.id),
        requested_at=now,
        audio=page.audio,
        text=page.text,
    )


def fixed_insert(slot: FixedSlot) -> Insert:
    script = slot.script
    return Insert(
        InsertClass.FIXED,
        Source.FIXED,
        script.id,
        script.title,
        slot.duration,
        seq=(slot.due, script.order, script.id),
        due_at=slot.due,
        zones=script.zones,
        audio=script.audio,
        text=script.text,
    )


@dataclass
class _Tally:
    aired: int = 0
    songs_since: int = 0
    last_aired: Instant | None = None


class CampaignBook:
    """Counts songs and airings; says which campaigns are due at a boundary.

    A campaign is due when it is eligible now (date, weekday and daypart were resolved
    into its windows), has aired fewer than `max_per_day` times, and `every_songs` songs
    or `every_minutes` minutes have passed since it last aired (since opening, at first);
    and not within `calm` seconds of an emergency's end (its clear, or its last sound).
    """

    def __init__(self, campaigns: Sequence[Campaign], opening: Instant, calm: float = 0.0) -> None:
        self._campaigns = list(campaigns)
        self._opening = opening
        self._tally = {c.script.id: _Tally() for c in campaigns}
        self._calm = calm
        self.calm_until: Instant = float("-inf")  # no campaign is due before this instant

    def calm_from(self, now: Instant) -> None:
        """An emergency's sound ended (or it was cleared) at `now`: hold campaigns back."""
        self.calm_until = max(self.calm_until, now + self._calm)

    def song_ended(self) -> None:
        for tally in self._tally.values():
            tally.songs_since += 1

    def aired(self, campaign_id: str, now: Instant) -> None:
        tally = self._tally[campaign_id]
        tally.aired, tally.songs_since, tally.last_aired = tally.aired + 1, 0, now

    def restore(self, aired: Sequence[AsRunEntry]) -> None:
        """Count the plays and songs of the day's as-run log (in start order), as if the
        engine had aired them: daily caps and frequencies go on from there, and the calm
        after the day's last emergency goes on from its last item's end."""
        for entry in aired:
            if entry.kind is ItemKind.EMERGENCY:
                self.calm_from(entry.end)
            elif entry.kind is ItemKind.MUSIC:
                self.song_ended()
            elif (
                entry.kind is ItemKind.ANNOUNCEMENT
                and entry.source is Source.CAMPAIGN
                and entry.ref in self._tally
            ):
                self.aired(entry.ref, entry.start)

    def due(self, now: Instant) -> list[Insert]:
        if now < self.calm_until:
            return []
        due = []
        for rank, campaign in enumerate(self._campaigns):
            script, tally = campaign.script, self._tally[campaign.script.id]
            if not campaign.eligible(now):
                continue
            if script.max_per_day is not None and tally.aired >= script.max_per_day:
                continue
            if script.every_songs is not None and tally.songs_since < script.every_songs:
                continue
            since = now - (tally.last_aired if tally.last_aired is not None else self._opening)
            if script.every_minutes is not None and since < script.every_minutes * 60:
                continue
            last = tally.last_aired if tally.last_aired is not None else float("-inf")
            due.append(
                Insert(
                    InsertClass.CAMPAIGN,
                    Source.CAMPAIGN,
                    script.id,
                    script.title,
                    campaign.duration,
                    seq=(last, script.order * 1000 + rank, script.id),
                    zones=script.zones,
                    audio=script.audio,
                    text=script.text,
                )
            )
        return due
