"""The engine's own forecast: a copy of the playout run forward from its `now`, no new commands.

What the desk sees coming (the items that start within `horizon` seconds), when each page
waiting now goes on air, in what place, and what follows the item on air (the file the
preloader opens). Nothing here guesses: it is the same engine, on the same inputs, so the
forecast is exact until the next command changes it. Runs off the audio thread.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from daemon.drivers.playout import Playout
from daemon.events import ItemStarted, PageChanged
from daemon.model import Instant, Item, ItemKind, Source

__all__ = ["HORIZON", "Forecast", "PagePlace", "Upcoming", "forecast"]

HORIZON = 15 * 60.0  # seconds of look-ahead for the desk
LIMIT = 4 * 3600.0  # the furthest a forecast runs to find when a waiting page airs


@dataclass(frozen=True, slots=True)
class Upcoming:
    at: Instant
    ends: Instant
    item: Item


@dataclass(frozen=True, slots=True)
class PagePlace:
    position: int  # 1: the next page to air
    starts: Instant | None  # None: not within the forecast's reach (the day ends first)
    after: str  # what it waits for: "the current song", "the current break", ...


@dataclass(frozen=True, slots=True)
class Forecast:
    now: Instant
    on_air: Item | None
    started: Instant
    ends: Instant | None
    upcoming: tuple[Upcoming, ...]
    pages: dict[str, PagePlace]
    following: Item | None  # the first item to start after `now`
    calm_until: Instant | None = None  # no campaign airs before this, after an emergency

    @staticmethod
    def empty(now: Instant) -> Forecast:
        return Forecast(now, None, now, None, (), {}, None)


def forecast(playout: Playout, horizon: float = HORIZON) -> Forecast:
    """Run a copy of `playout` forward; `playout` itself is not changed."""
    twin = copy.deepcopy(playout, {id(playout.plan): playout.plan})
    twin.journal = None
    twin.drain()
    snapshot = twin.engine.snapshot()
    waiting = [i.ref for i in snapshot.queue.pending if i.source is Source.PAGE]
    now, end = twin.now, twin.plan.day_end
    # While an emergency is on, no page airs until someone clears it: looking further
    # than the horizon could not place them, and would cost the audio thread its GIL.
    reach = horizon if snapshot.emergency is not None else LIMIT
    upcoming: list[Upcoming] = []
    starts: dict[str, Instant] = {}
    while (at := twin.next_time()) is not None and at < end:
        if at >= now + horizon and (len(starts) == len(waiting) or at >= now + reach):
            break
        twin.step()
        for event in twin.drain():
            if isinstance(event, ItemStarted) and event.at < now + horizon:
                upcoming.append(Upcoming(event.at, event.at + event.item.duration, event.item))
            elif isinstance(event, PageChanged) and event.state == "on_air":
                starts.setdefault(event.page_id, event.at)
    # an item ends no later than the next one starts (none comes in the night: no items)
    following: list[Upcoming | None] = [*upcoming[1:], None] if upcoming else []
    spans = tuple(
        Upcoming(u.at, u.ends if n is None else min(u.ends, n.at), u.item)
        for u, n in zip(upcoming, following, strict=True)
    )
    order = sorted(waiting, key=lambda p: (starts.get(p, float("inf")), waiting.index(p)))
    after = _waits_for(playout)
    pages = {p: PagePlace(n, starts.get(p), after) for n, p in enumerate(order, start=1)}
    return Forecast(
        now,
        snapshot.on_air,
        snapshot.started,
        snapshot.ends,
        spans,
        pages,
        spans[0].item if spans else None,
        snapshot.queue.calm_until,
    )


def _waits_for(playout: Playout) -> str:
    snapshot = playout.engine.snapshot()
    item = snapshot.on_air
    if snapshot.emergency is not None:
        return "the emergency"
    if item is None:
        return "opening" if playout.now < playout.plan.opening else "nothing: it airs now"
    if snapshot.in_break:
        return "the current break"
    if item.kind is ItemKind.MUSIC:
        return "the current song"
    return f"the current {item.kind.value}"
