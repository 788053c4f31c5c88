"""Breaks (B9, B10): at a song boundary, the intro sting, announcements, the outro sting. Pure.

`begin(now, due)` opens a break and returns its first item; after each item of the break
the engine asks `next(now, due)` for the one after: the next announcement while fewer than
`max_announcements` have aired and something is due (highest class first,
`policy.first`), and past that only fixed slots that are due (pages never starve them,
B4), then the outro; None once the break is over. With a minimum gap between campaigns
(`plan.campaign_min_gap` > 0) a break carries at most one campaign, however short the
announcements and whatever pages air after it. No break opens for campaigns alone whose
window closes during the intro. A sting that cannot be played is logged as skipped and the
break goes on without it.
"""

from __future__ import annotations

from collections.abc import Sequence

from daemon import policy
from daemon.asrun import AsRun
from daemon.inserts import InsertQueue
from daemon.model import DayPlan, Insert, InsertClass, Instant, Item, ItemKind, Source

__all__ = ["Breaks"]


class Breaks:
    def __init__(self, plan: DayPlan, queue: InsertQueue, asrun: AsRun) -> None:
        self._plan, self._queue, self._asrun = plan, queue, asrun
        self.count: int | None = None  # announcements so far in the break on air; None: no break
        self._campaign = False  # a campaign has aired in the break on air

    @property
    def open(self) -> bool:
        return self.count is not None

    def begin(self, now: Instant, due: Sequence[Insert]) -> Item | None:
        """Open a break for `due`; None (no break) if it holds only campaigns that will no
        longer be due when the intro ends (their window closes during it)."""
        due = self._still_due(now, due)
        if not due:
            return None
        self.count, self._campaign = 0, False
        return self.sting(now, ItemKind.INTRO) or self.next(now, due)

    def _still_due(self, now: Instant, due: Sequence[Insert]) -> list[Insert]:
        intro = self._plan.intro
        if not intro.playable or not any(i.source is Source.CAMPAIGN for i in due):
            return list(due)
        later = self._queue.due(now + (intro.duration or 0.0), closing=False)
        kept = {i.ref for i in later if i.source is Source.CAMPAIGN}
        return [i for i in due if i.source is not Source.CAMPAIGN or i.ref in kept]

    def next(self, now: Instant, due: Sequence[Insert]) -> Item | None:
        count = self.count or 0
        if count >= self._plan.max_announcements:  # full: only a fixed slot due still airs,
            due = [i for i in due if i.cls is InsertClass.FIXED]  # however many pages wait
        if self._campaign and self._plan.campaign_min_gap > 0:
            due = [i for i in due if i.source is not Source.CAMPAIGN]
        chosen = policy.first(due)
        if chosen is not None:
            self.count = count + 1
            self._campaign = self._campaign or chosen.source is Source.CAMPAIGN
            self._queue.take(chosen, now)
            return Item(
                ItemKind.ANNOUNCEMENT,
                chosen.source,
                chosen.ref,
                chosen.title,
                chosen.duration,
                track=chosen.audio,
                insert=chosen,
            )
        outro = self.sting(now, ItemKind.OUTRO)
        if outro is None:
            self.count = None
        return outro

    def end(self) -> None:
        self.count = None

    def sting(self, now: Instant, kind: ItemKind) -> Item | None:
        """The intro or outro sting, or None (logged as skipped) if it cannot play."""
        track = self._plan.intro if kind is ItemKind.INTRO else self._plan.outro
        if not self._asrun.playable(now, track, Source.BREAK):
            return None
        return Item(
            kind, Source.BREAK, str(track.path), kind.value, track.duration or 0.0, track=track
        )
