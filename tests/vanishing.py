"""A simulated day whose files vanish: what the live driver meets when a disk goes away."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from daemon.drivers.playout import Playout
from daemon.model import AsRunEntry, DayPlan, Instant, ScheduledCommand

__all__ = ["GONE", "simulate_vanishing"]

GONE = "No such file or directory"
MOST_FAILS_AT_ONCE = 10_000  # more failures at one instant than this: the engine loops


def simulate_vanishing(
    plan: DayPlan, gone: Mapping[str, Instant], commands: Sequence[ScheduledCommand] = ()
) -> list[AsRunEntry]:
    """`simulate`, but a file of `gone` fails as it starts from its instant on (as the live
    driver reports a file it cannot open). AssertionError if the engine loops on them."""
    playout = Playout(plan, commands)

    def fail_the_vanished() -> None:
        for _ in range(MOST_FAILS_AT_ONCE):
            item = playout.item
            track = None if item is None else item.track
            since = None if track is None else gone.get(str(track.path))
            if since is None or playout.started < since:
                return
            playout.fail(playout.now, GONE)
        raise AssertionError(f"the engine tried {MOST_FAILS_AT_ONCE} vanished files at once")

    fail_the_vanished()
    while (at := playout.next_time()) is not None and at < plan.day_end:
        playout.step()
        fail_the_vanished()
    playout.finish(plan.day_end)
    return sorted(playout.timeline, key=lambda e: e.start)
