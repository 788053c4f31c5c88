"""Choosing songs whose ends land near the next timed item, never cutting a song. Pure.

Radio automation commits to its tracks early and is minutes late on timed items. This
engine decides at each boundary instead: when a fixed slot (or the closing song) is at
most `DEPTH` songs away, it looks for the run of at most `DEPTH` candidate songs whose
total length reaches the slot with the least overshoot, and plays that run's first song.
At the next boundary it looks again, so pages and breaks on the way are absorbed.

Song separation limits the runs: a candidate may be `ready` only from a later place in the
run (a song that is rested after one or two more songs have aired). A run is kept only if
its songs can air in an order where each is ready at its place; its first song is ready now.
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
    durations: Sequence[float], remaining: float, ready: Sequence[int] | None = None
) -> int | None:
    """Index (into `durations`) of the song to play now, or None if no plan is needed.

    `durations` are the candidate songs in their preferred order; `remaining` is how many
    seconds from now the target lies; `ready[i]` is the first place in a run (0: now) at
    which song i may air (all 0 if not given; places of `DEPTH` or more never count). None
    when the target is already past or further away than `DEPTH` songs can reach: then any
    song ready now will do. The index returned is always that of a song ready now.
    """
    best = plan(durations, remaining, ready)
    return None if best is None else best[0]


def plan(
    durations: Sequence[float], remaining: float, ready: Sequence[int] | None = None
) -> tuple[int, float] | None:
    """As `choose`, with the best run's overshoot: (index of its first song, seconds)."""
    if remaining <= 0 or not durations:
        return None
    n = len(durations)
    place = list(ready) if ready is not None else [0] * n
    if sum(sorted(d for d, p in zip(durations, place, strict=True) if p < DEPTH)[-DEPTH:]) < (
        remaining
    ):
        return None  # no run reaches the target: it is too far away to plan for yet
    order = sorted(range(n), key=durations.__getitem__)
    ranked = [durations[i] for i in order]
    best: tuple[float, int] | None = None  # (overshoot, index of the song to play first)

    def offer(overshoot: float, first: int) -> None:
        """A run whose songs can air each where it is ready, `first` (ready now) first."""
        nonlocal best
        if (
            best is None
            or overshoot < best[0] - TIE_SECONDS
            or (overshoot < best[0] + TIE_SECONDS and first < best[1])
        ):
            best = (overshoot, first)

    def shortest_reaching(need: float, used: tuple[int, ...], latest: int) -> int | None:
        """The shortest candidate, not in `used`, ready by place `latest`, of >= `need` s."""
        at = bisect_left(ranked, need)
        while at < n and (order[at] in used or place[order[at]] > latest):
            at += 1
        return order[at] if at < n else None

    for i in range(n):
        if place[i] >= DEPTH:
            continue
        if durations[i] >= remaining and place[i] == 0:
            offer(durations[i] - remaining, i)  # no run with i in it overshoots less
            continue
        for j in range(i + 1, n) if DEPTH >= 2 else ():
            low, high = min(place[i], place[j]), max(place[i], place[j])
            if high >= DEPTH or low > 1:
                continue
            total = durations[i] + durations[j]
            if total >= remaining and low == 0 and high <= 1:
                offer(total - remaining, i if place[i] == 0 else j)
            elif DEPTH >= 3:
                # the third airs last (place 2) if i and j can take places 0 and 1, else
                # second (i, j: places 0 and 2), else first (i, j: places 1 and 2)
                latest = 0 if low > 0 else 2 if high <= 1 else 1
                k = shortest_reaching(remaining - total, (i, j), latest)
                if k is not None:
                    first = i if place[i] == 0 else j if place[j] == 0 else k
                    offer(
                        total + durations[k] - remaining, min(first, k) if place[k] == 0 else first
                    )
    return None if best is None else (best[1], best[0])
