"""The simulation driver: a whole day on virtual time, jumping from event to event.

No sleeping and no audio: the clock is the engine's own deadlines, the ends of items (from
their measured durations) and the scripted commands. Its timeline is what the render and
live drivers air for the same inputs.
"""

from __future__ import annotations

from collections.abc import Sequence

from daemon.drivers.playout import Playout
from daemon.model import AsRunEntry, DayPlan, ScheduledCommand

__all__ = ["simulate"]


def simulate(plan: DayPlan, commands: Sequence[ScheduledCommand] = ()) -> list[AsRunEntry]:
    """Run `plan` from local midnight to the next; return the timeline in start order."""
    playout = Playout(plan, commands)
    playout.run_until(plan.day_end)
    playout.finish(plan.day_end)
    return sorted(playout.timeline, key=lambda e: e.start)
