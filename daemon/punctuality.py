"""Choosing songs whose ends land near the next timed item, never cutting a song. Pure.

Radio automation commits to its tracks early and is minutes late on timed items. This
engine decides at each boundary instead: when a fixed slot (or the closing song) is at
most `DEPTH` songs away, it looks for the run of at most `DEPTH` candidate songs whose
total length reaches the slot with the least overshoot, and plays that run's first song.
At the next boundary it looks again, so pages and breaks on the way are absorbed.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

__all__ = ["DEPTH", "TIE_SECONDS", "choose"]

DEPTH = 3
TIE_SECONDS = 1.0
"""Runs whose overshoot differs by less than this are equally good; the earlier song wins,
so the shuffle order is kept wherever punctuality does not need it changed."""


def choose(durations: Sequence[float], remaining: float) -> int | None:
    """Index (into `durations`) of the song to play now, or None if no plan is needed.

    `durations` are the candidate songs in their preferred order; `remaining` is how many
    seconds from now the target lies. None when the target is already past or further away
    than `DEPTH` songs can reach: then any song will do.
    """
    if remaining <= 0 or not durations:
        return None
    order = sorted(range(len(durations)), key=durations.__getitem__)
    ranked = [durations[i] for i in order]
    best: tuple[float, int] | None = None  # (overshoot, index of the song to play first)

    def offer(overshoot: float, *members: int) -> None:
        nonlocal best
        first = min(members)
        if (
            best is None
            or overshoot < best[0] - TIE_SECONDS
            or (overshoot < best[0] + TIE_SECONDS and first < best[1])
        ):
            best = (overshoot, first)

    def shortest_reaching(need: float, used: tuple[int, ...]) -> int | None:
        """The shortest candidate, not in `used`, of at least `need` seconds."""
        at = bisect_left(ranked, need)
        while at < len(ranked) and order[at] in used:
            at += 1
        return order[at] if at < len(ranked) else None

    n = len(durations)
    for i in range(n):
        if durations[i] >= remaining:
            offer(durations[i] - remaining, i)
            continue
        for j in range(i + 1, n) if DEPTH >= 2 else ():
            if durations[i] + durations[j] >= remaining:
                offer(durations[i] + durations[j] - remaining, i, j)
            elif DEPTH >= 3:
                k = shortest_reaching(remaining - durations[i] - durations[j], (i, j))
                if k is not None:
                    offer(durations[i] + durations[j] + durations[k] - remaining, i, j, k)
    return None if best is None else best[1]
