"""The campaign rules a day's timeline must keep (B5, fairness), re-derived from the timeline.

`campaign_violations(plan, timeline)` walks the as-run log in start order and keeps its own
books of every campaign: plays so far, when it last started, songs ended since then, and
when the last campaign announcement of any kind started. From those alone it knows which
campaigns were due at each instant, and checks:

- every campaign announcement was due when it started: inside its windows, under its
  `max_per_day`, `every_songs` songs or `every_minutes` minutes after its last play (after
  opening, at first), and `plan.campaign_min_gap` after any campaign announcement started;
- it was the fairest of those due: fewest plays per play it was entitled to (each play
  shared out by weight among the campaigns on air then: in a window, under the cap), then
  least recently aired (`policy.standing`), then binder order, then plan order; none due
  was passed over for one further ahead of its weighted share;
- no campaign due was left waiting at a song boundary where a break could start (and still
  due when its intro ends: a window may close meanwhile), nor at a break's end with room
  left (fewer than `max_announcements`, and with a gap no campaign aired in it yet);
- with a gap, a break carries at most one campaign.

For days without emergencies (the calm and a cut campaign's replay are not modelled here).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from daemon.model import AsRunEntry, Campaign, DayPlan, Instant, ItemKind, Source
from daemon.policy import standing

__all__ = ["campaign_violations", "due_at", "on_air"]


@dataclass
class _Books:
    plays: dict[str, list[Instant]]  # starts of each campaign's announcements
    entitled: dict[str, float]  # each one's weighted part of the plays while it was on air
    songs: list[Instant]  # ends of the music items, in order
    last_start: Instant = float("-inf")  # of any campaign announcement


def on_air(books: _Books, campaign: Campaign, now: Instant) -> bool:
    """In one of its windows and under its cap."""
    cap = campaign.script.max_per_day
    return campaign.eligible(now) and (cap is None or len(books.plays[campaign.script.id]) < cap)


def _songs_since(books: _Books, since: Instant | None, now: Instant) -> int:
    """Songs that ended after `since` (a song ending as it starts is before it), by `now`."""
    start = float("-inf") if since is None else since
    return bisect.bisect_right(books.songs, now) - bisect.bisect_right(books.songs, start)


def _is_due(plan: DayPlan, books: _Books, campaign: Campaign, now: Instant) -> bool:
    script = campaign.script
    plays = books.plays[script.id]
    last = plays[-1] if plays else None
    if not on_air(books, campaign, now):
        return False
    if script.every_songs is not None and _songs_since(books, last, now) < script.every_songs:
        return False
    since = now - (plan.opening if last is None else last)
    return script.every_minutes is None or since >= script.every_minutes * 60


def _key(books: _Books, campaign: Campaign, rank: int) -> tuple[float, float, int, int]:
    plays = books.plays[campaign.script.id]
    entitled = books.entitled[campaign.script.id]
    share = standing(len(plays), entitled, plays[-1] if plays else None)
    return (*share, campaign.script.order, rank)


def due_at(plan: DayPlan, books: _Books, now: Instant) -> list[tuple[tuple[float, ...], str]]:
    """(fairness key, id) of the campaigns due at `now`, fairest first."""
    if plan.campaign_min_gap > 0 and now < books.last_start + plan.campaign_min_gap:
        return []
    due = [
        (_key(books, c, rank), c.script.id)
        for rank, c in enumerate(plan.campaigns)
        if _is_due(plan, books, c, now)
    ]
    return sorted(due)


def campaign_violations(plan: DayPlan, timeline: Sequence[AsRunEntry]) -> list[str]:
    aired = sorted((e for e in timeline if e.kind is not ItemKind.SKIPPED), key=lambda e: e.start)
    books = _Books({c.script.id: [] for c in plan.campaigns},
                   {c.script.id: 0.0 for c in plan.campaigns}, [])  # fmt: skip
    closing_song = min(
        (e.start for e in aired if e.source is Source.CLOSING_SONG), default=float("inf")
    )
    intro = plan.intro.duration or 0.0

    def open_at(now: Instant) -> bool:
        return plan.opening <= now < min(plan.closing, closing_song)

    found: list[str] = []
    in_break: list[AsRunEntry] = []  # the announcements of the break on air
    for index, entry in enumerate(aired):
        now = entry.start
        before = aired[index - 1] if index else None
        if entry.kind is ItemKind.INTRO:
            in_break = []
        if entry.kind is ItemKind.OUTRO and open_at(now):
            found += _break_end(plan, books, in_break, now)
        if (
            before is not None
            and before.kind is ItemKind.MUSIC
            and entry.kind is ItemKind.MUSIC
            and open_at(now)
            and now + intro < plan.closing
            and now < plan.closing_target
        ):
            later = {ref for _, ref in due_at(plan, books, now + intro)}
            found += [f"{ref} due at {now:.3f}: no break"
                      for _, ref in due_at(plan, books, now) if ref in later]  # fmt: skip
        if entry.kind is ItemKind.ANNOUNCEMENT and entry.source is Source.CAMPAIGN:
            found += _one_play(plan, books, entry, in_break)
        if entry.kind is ItemKind.ANNOUNCEMENT:
            in_break.append(entry)
        elif entry.kind is ItemKind.MUSIC:
            books.songs.append(entry.end)
    return found


def _one_play(
    plan: DayPlan, books: _Books, entry: AsRunEntry, in_break: list[AsRunEntry]
) -> list[str]:
    found = []
    now = entry.start
    due = due_at(plan, books, now)
    if entry.ref not in books.plays:
        found.append(f"campaign {entry.ref!r} at {now:.3f} is not in the plan")
    elif entry.ref not in [ref for _, ref in due]:
        found.append(f"campaign {entry.ref!r} at {now:.3f} was not due (rate, cap, window, gap)")
    elif due[0][1] != entry.ref:
        found.append(f"campaign {entry.ref!r} at {now:.3f} passed over {due[0][1]!r}: {due}")
    if plan.campaign_min_gap > 0 and any(e.source is Source.CAMPAIGN for e in in_break):
        found.append(f"campaign {entry.ref!r} at {now:.3f}: a second campaign in one break")
    if entry.ref in books.plays:
        sharing = [c for c in plan.campaigns if on_air(books, c, now)]
        for c in sharing:
            books.entitled[c.script.id] += c.script.weight / sum(o.script.weight for o in sharing)
        books.plays[entry.ref].append(now)
    books.last_start = max(books.last_start, now)
    return found


def _break_end(plan: DayPlan, books: _Books, in_break: list[AsRunEntry], now: Instant) -> list[str]:
    """At the outro nothing may be due that the break had room for."""
    if len(in_break) >= plan.max_announcements:
        return []
    if plan.campaign_min_gap > 0 and any(e.source is Source.CAMPAIGN for e in in_break):
        return []
    return [
        f"{ref} due at {now:.3f}: the break ended with room" for _, ref in due_at(plan, books, now)
    ]
