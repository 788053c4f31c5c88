"""The engine on a clock of events: the loop the simulate, render and live drivers share.

Events are the end of the item on air, scripted commands, and the engine's own deadlines;
at equal times an item's natural end comes first, then commands, then deadlines. Playout
only keeps the books (what is on air since when, until when, fading from when): a driver
decides how time passes between events (jumping, rendering, or playing to the device).

A playout that keeps a `journal` records every call that changes it (`Step`, `Apply`,
`Fail`), so that a copy made before the first call and fed the same journal with `replay`
stays identical: the live driver's look-ahead thread keeps such a mirror, off the audio
thread, to predict and forecast without touching the playing engine.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import assert_never

from daemon.engine import Cut, Engine
from daemon.events import Event
from daemon.model import (
    AsRunEntry,
    Command,
    DayPlan,
    Instant,
    Item,
    Recovery,
    ScheduledCommand,
)  # fmt: skip

__all__ = ["Apply", "Fail", "Input", "Playout", "Step"]


@dataclass(frozen=True, slots=True)
class Step:
    """The next event was processed."""


@dataclass(frozen=True, slots=True)
class Apply:
    at: Instant
    command: Command


@dataclass(frozen=True, slots=True)
class Fail:
    at: Instant
    reason: str


Input = Step | Apply | Fail
_STEP = Step()


class Playout:
    """One day of the engine; `serial` changes whenever an item starts.

    From local midnight by default (simulate, render); with `recovery`, from `start`,
    the engine restored from the durable log of the day so far (the live service)."""

    def __init__(
        self,
        plan: DayPlan,
        commands: Sequence[ScheduledCommand] = (),
        *,
        start: Instant | None = None,
        recovery: Recovery | None = None,
    ) -> None:
        self.plan = plan
        self.engine = Engine(plan)
        self._queue = deque(sorted(commands, key=lambda c: (c.at, c.line)))
        self.now: Instant = plan.day_start if start is None else start
        if recovery is not None:
            self.engine.restore(self.now, recovery)
        self.serial = 0
        self.item: Item | None = None
        self.started: Instant = self.now
        self.ends: Instant | None = None  # when the item on air leaves it (natural end or cut)
        self.fade_from: Instant | None = None  # a cut fades the item out from here to `ends`
        self.journal: list[Input] | None = None  # set to a list to record every input
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
        self._record(_STEP)
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
        self._record(Apply(now, command))
        self.now = max(self.now, now)
        self._apply(self.engine.command(self.now, command))

    def fail(self, now: Instant, reason: str) -> None:
        """The item on air cannot go on: logged as skipped, the next one starts now."""
        self._record(Fail(now, reason))
        self.now = max(self.now, now)
        self._begin(self.engine.fail(self.now, reason), self.now)

    def replay(self, entry: Input) -> None:
        """Apply one journal entry of another playout that started out identical."""
        match entry:
            case Step():
                self.step()
            case Apply(at, command):
                self.command(at, command)
            case Fail(at, reason):
                self.fail(at, reason)
            case _:
                assert_never(entry)

    def drain(self) -> list[Event]:
        """The engine's events since the last drain."""
        return self.engine.drain()

    def finish(self, end: Instant) -> None:
        self.engine.finish(end)

    def _record(self, entry: Input) -> None:
        if self.journal is not None:
            self.journal.append(entry)

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
