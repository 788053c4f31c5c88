"""Breaks (B9, B10): at a song boundary, the intro sting, announcements, the outro sting. Pure.

`begin(now, due)` opens a break and returns its first item; after each item of the break
the engine asks `next(now, due)` for the one after: the next announcement while fewer than
`max_announcements` have aired and something is due (highest class first,
`policy.first`), and past that only fixed slots that are due (pages never starve them,
B4), then the outro; None once the break is over. A sting that cannot be
played is logged as skipped and the break goes on without it.
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

    @property
    def open(self) -> bool:
        return self.count is not None

    def begin(self, now: Instant, due: Sequence[Insert]) -> Item | None:
        self.count = 0
        return self.sting(now, ItemKind.INTRO) or self.next(now, due)

    def next(self, now: Instant, due: Sequence[Insert]) -> Item | None:
        count = self.count or 0
        if count >= self._plan.max_announcements:  # full: only a fixed slot due still airs,
            due = [i for i in due if i.cls is InsertClass.FIXED]  # however many pages wait
        chosen = policy.first(due)
        if chosen is not None:
            self.count = count + 1
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
