"""The engine on a clock of events: the loop the simulate, render and live drivers share.

Events are the end of the item on air, scripted commands, and the engine's own deadlines;
at equal times an item's natural end comes first, then commands, then deadlines. Playout
only keeps the books (what is on air since when, until when, fading from when): a driver
decides how time passes between events (jumping, rendering, or playing to the device).
"""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import Sequence

from daemon.engine import Cut, Engine
from daemon.model import AsRunEntry, Command, DayPlan, Instant, Item, ScheduledCommand

__all__ = ["Playout"]


class Playout:
    """One day of the engine, from local midnight; `serial` changes whenever an item starts."""

    def __init__(self, plan: DayPlan, commands: Sequence[ScheduledCommand] = ()) -> None:
        self.plan = plan
        self.engine = Engine(plan)
        self._queue = deque(sorted(commands, key=lambda c: (c.at, c.line)))
        self.now: Instant = plan.day_start
        self.serial = 0
        self.item: Item | None = None
        self.started: Instant = self.now
        self.ends: Instant | None = None  # when the item on air leaves it (natural end or cut)
        self.fade_from: Instant | None = None  # a cut fades the item out from here to `ends`
        self._begin(self.engine.advance(self.now), self.now)

    @property
    def timeline(self) -> list[AsRunEntry]:
        """What aired so far, in the order items ended."""
        return self.engine.timeline

    def next_time(self) -> Instant | None:
        """When the next event happens, or None if nothing ever will."""
        wake = self.engine.wake_at()
        queued = self._queue[0].at if self._queue else None
        times = [t for t in (self.ends, queued, wake) if t is not None]
        return min(times) if times else None

    def step(self) -> None:
        """Process the next event (the clock jumps to it)."""
        at = self.next_time()
        assert at is not None and at >= self.now, "time never runs backwards"
        self.now = at
        if self.ends is not None and at == self.ends:
            self._begin(self.engine.advance(at), at)
        elif self._queue and at == self._queue[0].at:
            self._apply(self.engine.command(at, self._queue.popleft().command))
        else:
            self._apply(self.engine.tick(at))

    def run_until(self, end: Instant) -> None:
        """Process every event before `end`."""
        while (at := self.next_time()) is not None and at < end:
            self.step()
        self.now = max(self.now, end)

    def command(self, now: Instant, command: Command) -> None:
        """A command arriving now (live), rather than from the script of commands."""
        self.now = max(self.now, now)
        self._apply(self.engine.command(self.now, command))

    def fail(self, now: Instant, reason: str) -> None:
        """The item on air cannot go on: logged as skipped, the next one starts now."""
        self.now = max(self.now, now)
        self._begin(self.engine.fail(self.now, reason), self.now)

    def peek(self) -> Item | None:
        """What the engine would start when the item on air ends, if nothing happens first."""
        if self.ends is None:
            return None
        engine = self.engine
        twin = copy.deepcopy(engine, {id(self.plan): self.plan, id(engine.timeline): []})
        return twin.advance(self.ends)

    def finish(self, end: Instant) -> None:
        self.engine.finish(end)

    def _begin(self, item: Item | None, at: Instant) -> None:
        self.item, self.started, self.fade_from = item, at, None
        self.ends = None if item is None else at + item.duration
        self.serial += 1

    def _apply(self, cut: Cut | None) -> None:
        if cut is None:
            return
        if self.item is None:
            self._begin(self.engine.advance(cut.at), cut.at)
        elif self.ends is None or cut.at < self.ends:
            self.ends, self.fade_from = cut.at, cut.at - cut.fade
