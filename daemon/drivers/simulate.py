"""The simulation driver: a whole day on virtual time, jumping from event to event.

No sleeping and no audio: the clock is the engine's own deadlines, the ends of items (from
their measured durations) and the scripted commands. Its timeline is what the render and
live drivers will air for the same inputs.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from daemon.engine import Cut, Engine
from daemon.model import AsRunEntry, DayPlan, Instant, Item, ScheduledCommand

__all__ = ["simulate"]


def simulate(plan: DayPlan, commands: Sequence[ScheduledCommand] = ()) -> list[AsRunEntry]:
    """Run `plan` from local midnight to the next; return the timeline in start order.

    At equal times an item's natural end comes first, then commands, then engine deadlines.
    """
    engine = Engine(plan)
    queue = deque(sorted(commands, key=lambda c: (c.at, c.line)))
    now: Instant = plan.day_start
    item: Item | None = engine.advance(now)
    ends: Instant | None = None if item is None else now + item.duration

    def apply(cut: Cut | None) -> None:
        nonlocal item, ends
        if cut is None:
            return
        if item is None:
            item = engine.advance(cut.at)
            ends = None if item is None else cut.at + item.duration
        elif ends is None or cut.at < ends:
            ends = cut.at

    while True:
        wake = engine.wake_at()
        next_command = queue[0].at if queue else None
        times = [t for t in (ends, next_command, wake) if t is not None]
        if not times or min(times) >= plan.day_end:
            break
        assert min(times) >= now, "virtual time never runs backwards"
        now = min(times)
        if ends is not None and now == ends:
            item = engine.advance(now)
            ends = None if item is None else now + item.duration
        elif next_command is not None and now == next_command:
            apply(engine.command(now, queue.popleft().command))
        else:
            apply(engine.tick(now))
    engine.finish(plan.day_end)
    return sorted(engine.timeline, key=lambda e: e.start)
