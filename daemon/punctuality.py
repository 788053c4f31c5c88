"""Choosing songs whose ends land near the next timed item, never cutting a song. Pure.

Radio automation commits to its tracks early and is minutes late on timed items. This
engine decides at each boundary instead: when a fixed slot (or the closing song) is at
most `DEPTH` songs away, it looks for the run of at most `DEPTH` candidate songs whose
total length reaches the slot with the least overshoot, and plays that run's first song.
At the next boundary it looks again, so pages and breaks on the way are absorbed.

Song separation limits the runs: a candidate may be `ready` only from a later place in the
run (a song that is rested after one or two more songs have aired). A run is kept only if
its songs can air in an order where each is ready at its place; its first song is ready now.

A fixed slot may air up to `early` seconds before its time when a boundary falls in that
window (B4): the target is then a window, a run may end before or after the instant, and
it is as good as it is near it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

__all__ = ["DEPTH", "TIE_SECONDS", "choose", "plan"]

DEPTH = 3
TIE_SECONDS = 1.0
"""Runs whose overshoot differs by less than this are equally good; the earlier song wins,
so the shuffle order is kept wherever punctuality does not need it changed."""


def choose(
    durations: Sequence[float],
    remaining: float,
    ready: Sequence[int] | None = None,
    early: float = 0.0,
) -> int | None:
    """Index (into `durations`) of the song to play now, or None if no plan is needed.

    `durations` are the candidate songs in their preferred order; `remaining` is how many
    seconds from now the target lies; `ready[i]` is the first place in a run (0: now) at
    which song i may air (all 0 if not given; places of `DEPTH` or more never count).
    `early`: a boundary up to this many seconds before the target will do too (a slot's
    window, B4), and the timed item airs there, so a run ends at its first boundary from
    then on; a run is as good as its end is near the target, before or after. None when the
    target is already past or further away than `DEPTH` songs can reach: then any song
    ready now will do. The index returned is always that of a song ready now.
    """
    best = plan(durations, remaining, ready, early)
    return None if best is None else best[0]


def plan(
    durations: Sequence[float],
    remaining: float,
    ready: Sequence[int] | None = None,
    early: float = 0.0,
) -> tuple[int, float] | None:
    """As `choose`, with how far the best run ends from the target: (its first song, s)."""
    if remaining <= 0 or not durations:
        return None
    place = list(ready) if ready is not None else [0] * len(durations)
    reach = remaining - max(0.0, early)  # a boundary from here on ends the run
    usable = [i for i, p in enumerate(place) if p < DEPTH]
    if sum(sorted(durations[i] for i in usable)[-DEPTH:]) < reach:
        return None  # no run reaches the target: it is too far away to plan for yet
    order = sorted(usable, key=durations.__getitem__)
    ranked = [durations[i] for i in order]
    best: tuple[float, int] | None = None  # (distance from the target, the first song)

    def offer(end: float, first: int) -> None:
        nonlocal best
        off = abs(end - remaining)
        if (
            best is None
            or off < best[0] - TIE_SECONDS
            or (off < best[0] + TIE_SECONDS and first < best[1])
        ):
            best = (off, first)

    def last(at: int, total: float, used: tuple[int, ...]) -> None:
        """The run so far (`used`, `total` s, short of `reach`) ended by one more song at
        place `at`: the nearest to the target from above and from below that reaches."""
        mid = bisect_left(ranked, remaining - total)
        for step, start in ((1, mid), (-1, mid - 1)):
            k = start
            while 0 <= k < len(order) and (order[k] in used or place[order[k]] > at):
                k += step
            if 0 <= k < len(order) and total + ranked[k] >= reach:
                offer(total + ranked[k], used[0] if used else order[k])

    def extend(total: float, used: tuple[int, ...]) -> None:
        at = len(used)
        if at == DEPTH - 1:
            last(at, total, used)
            return
        for i in usable:
            if i in used or place[i] > at:
                continue
            if total + durations[i] >= reach:
                offer(total + durations[i], used[0] if used else i)
            else:
                extend(total + durations[i], (*used, i))

    extend(0.0, ())
    return None if best is None else (best[1], best[0])
