"""What airs first, and when campaigns are due. Pure.

Priority (highest first): emergency, urgent page, page, fixed, campaign. Within a class:
pages in arrival order, fixed scripts by slot time then binder order (B4), campaigns
furthest behind their weighted share of the plays first, then least recently aired
(`standing`), so that a break too small for every due campaign rotates them fairly over the
day (B5). After an emergency no campaign is due for a calm while (`CampaignBook.calm_from`):
a sales pitch is not what people should hear after an evacuation; nor within the minimum
gap after a campaign announcement started (`breaks.campaign_min_gap_minutes`).
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
    "standing",
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
    entitled: float = 0.0  # its weighted part of the campaign plays aired while it was on air


def standing(aired: int, entitled: float, last_aired: Instant | None) -> tuple[float, float]:
    """How far ahead of its weighted share a campaign is: lowest first. Plays today per play
    it was entitled to (`CampaignBook.aired`), rounded so that equal shares tie (never aired:
    0); ties go to the one least recently aired (never aired first). Callers break the last
    ties by binder order."""
    last = float("-inf") if last_aired is None else last_aired
    if aired == 0:
        return 0.0, last
    return (round(aired / entitled, 9) if entitled > 0 else float("inf")), last


class CampaignBook:
    """Counts songs and airings; says which campaigns are due at a boundary, fairest first.

    A campaign is due when it is eligible now (date, weekday and daypart were resolved
    into its windows), has aired fewer than `max_per_day` times, and `every_songs` songs
    or `every_minutes` minutes have passed since it last aired (since opening, at first);
    and not within `calm` seconds of an emergency's end (its clear, or its last sound), nor
    within `gap` seconds of the start of the last campaign announcement (any campaign).

    Fairness (B5): a campaign is on air while in its windows and under its cap; each
    campaign play is shared out among the campaigns on air then, by weight, as what each was
    entitled to. `due` lists the due ones in the order they should air: fewest plays per
    play entitled first (`standing`), then the least recently aired, then by `order`, then
    by their place in the plan. So a break too small for every due campaign rotates them;
    one of twice the weight gets about twice the plays when both are due all day; one whose
    window opens late competes from then on, without a burst to catch up on the morning;
    one asking for less than its share gets all it asks; none airs more often than its own
    frequency and cap allow.
    """

    def __init__(
        self,
        campaigns: Sequence[Campaign],
        opening: Instant,
        calm: float = 0.0,
        gap: float = 0.0,
    ) -> None:
        self._campaigns = list(campaigns)
        self._opening = opening
        self._tally = {c.script.id: _Tally() for c in campaigns}
        self._songs = 0  # songs ended today
        self._calm = calm
        self._gap = gap
        self.calm_until: Instant = float("-inf")  # no campaign is due before this instant
        self.last_start: Instant = float("-inf")  # of the last campaign announcement

    def calm_from(self, now: Instant) -> None:
        """An emergency's sound ended (or it was cleared) at `now`: hold campaigns back."""
        self.calm_until = max(self.calm_until, now + self._calm)

    def held(self, now: Instant) -> bool:
        """No campaign may start at `now`: the calm after an emergency, or the minimum gap
        since the last campaign announcement started."""
        return now < self.calm_until or (self._gap > 0 and now < self.last_start + self._gap)

    def song_ended(self) -> None:
        self._songs += 1
        for tally in self._tally.values():
            tally.songs_since += 1

    def replan(self, campaigns: Sequence[Campaign]) -> None:
        """The library changed: `campaigns` from now on, in O(campaigns) (this runs on the
        audio thread). Each campaign's plays today, its share, songs and time since it last
        aired go on, whatever changed in its script (a new version of an approved one counts
        the old one's plays against its cap); one new to the day counts from opening, with no
        share yet (it competes from now on). The calm and the gap go on."""
        self._campaigns = list(campaigns)
        for campaign in campaigns:
            self._tally.setdefault(campaign.script.id, _Tally(songs_since=self._songs))

    def aired(self, campaign_id: str, now: Instant) -> None:
        """A campaign announcement started at `now`: it counts as a play, and is shared out
        among the campaigns on air (in a window, under the cap) by weight. One the plan does
        not know holds the gap, and nothing more."""
        self.last_start = max(self.last_start, now)
        tally = self._tally.get(campaign_id)
        if tally is None:
            return
        on_air = [c for c in self._campaigns if self._on_air(c, now)]
        total = sum(c.script.weight for c in on_air)
        for campaign in on_air if total > 0 else ():
            self._tally[campaign.script.id].entitled += campaign.script.weight / total
        tally.aired, tally.songs_since, tally.last_aired = tally.aired + 1, 0, now

    def restore(self, aired: Sequence[AsRunEntry]) -> None:
        """Count the plays and songs of the day's as-run log (in start order), as if the
        engine had aired them: daily caps, frequencies, shares and the gap go on from there,
        and the calm after the day's last emergency goes on from its last item's end."""
        for entry in aired:
            if entry.kind is ItemKind.EMERGENCY:
                self.calm_from(entry.end)
            elif entry.kind is ItemKind.MUSIC:
                self.song_ended()
            elif entry.kind is ItemKind.ANNOUNCEMENT and entry.source is Source.CAMPAIGN:
                self.aired(entry.ref, entry.start)

    def due(self, now: Instant) -> list[Insert]:
        """The campaigns due at `now`, in the order they should air (`seq` says it too)."""
        if self.held(now):
            return []
        ready = [(rank, c) for rank, c in enumerate(self._campaigns) if self._ready(c, now)]
        ready.sort(key=lambda rc: (*self._standing(rc[1]), rc[1].script.order, rc[0]))
        return [_campaign_insert(c, place, rank) for place, (rank, c) in enumerate(ready)]

    def _standing(self, campaign: Campaign) -> tuple[float, float]:
        tally = self._tally[campaign.script.id]
        return standing(tally.aired, tally.entitled, tally.last_aired)

    def _on_air(self, campaign: Campaign, now: Instant) -> bool:
        """In one of its windows now, under its cap."""
        cap = campaign.script.max_per_day
        return campaign.eligible(now) and (
            cap is None or self._tally[campaign.script.id].aired < cap
        )

    def _ready(self, campaign: Campaign, now: Instant) -> bool:
        script, tally = campaign.script, self._tally[campaign.script.id]
        if not self._on_air(campaign, now):
            return False
        if script.every_songs is not None and tally.songs_since < script.every_songs:
            return False
        since = now - (tally.last_aired if tally.last_aired is not None else self._opening)
        return script.every_minutes is None or since >= script.every_minutes * 60


def _campaign_insert(campaign: Campaign, place: int, rank: int) -> Insert:
    """`place`: its position among the campaigns due now, which orders it in its class."""
    script = campaign.script
    return Insert(
        InsertClass.CAMPAIGN,
        Source.CAMPAIGN,
        script.id,
        script.title,
        campaign.duration,
        seq=(float(place), rank, script.id),
        zones=script.zones,
        audio=script.audio,
        text=script.text,
    )
