"""The render driver: any window of a day, as fast as the CPU allows, into a sink.

The clock is the count of frames written. The timeline it returns is the engine's for the
whole day (the rest simulated without sound), windowed to what aired in [start, end): for
files that decode as measured it equals the simulation's, entry for entry.
"""

from __future__ import annotations

from collections.abc import Sequence

from daemon.audio.format import Block, frames
from daemon.audio.levels import AudioSettings
from daemon.audio.sinks import Sink
from daemon.drivers.playout import Playout
from daemon.drivers.program import Measure, Program
from daemon.model import AsRunEntry, DayPlan, Instant, ScheduledCommand
from daemon.timeline import window

__all__ = ["render"]


def render(
    plan: DayPlan,
    commands: Sequence[ScheduledCommand],
    start: Instant,
    end: Instant,
    sink: Sink,
    settings: AudioSettings,
    measure: Measure,
) -> list[AsRunEntry]:
    """Play `plan` from `start` to `end` into `sink`; the timeline of that window."""
    playout = Playout(plan, commands)
    playout.run_until(start)
    program = Program(playout, start, settings, measure)
    total = frames(end - start)

    def pull(count: int) -> Block:
        return program.pull(min(count, total - program.pos))

    try:
        sink.play(pull)
    finally:
        program.close()
    playout.run_until(plan.day_end)
    playout.finish(plan.day_end)
    return window(playout.timeline, start, end)
