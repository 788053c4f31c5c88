"""The rules a whole day's timeline must keep, checked over the as-run log itself.

`violations(plan, timeline, commands)` returns a list of human-readable broken rules (empty
when the day is right). Sim tests assert it is empty; the benchmark runs it too.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from daemon.model import (
    AsRunEntry,
    DayPlan,
    ItemKind,
    Page,
    ScheduledCommand,
    Source,
)
from tests.invariants_emergency import BLOCK, MAX_QUIET, emergency_violations
from tests.separation_invariants import separation_violations

__all__ = ["BLOCK", "violations"]

EPS = 1e-6
_BREAK = (ItemKind.INTRO, ItemKind.ANNOUNCEMENT, ItemKind.OUTRO)


def violations(
    plan: DayPlan, timeline: Sequence[AsRunEntry], commands: Sequence[ScheduledCommand] = ()
) -> list[str]:
    aired = [e for e in timeline if e.kind is not ItemKind.SKIPPED]
    found: list[str] = []
    found += _no_overlap(aired)
    found += _no_gap_while_open(plan, aired)
    found += _breaks_well_formed(plan, aired)
    found += emergency_violations(plan, aired, commands)
    found += _cut_announcements_replayed(aired)
    found += _only_emergencies_outside_hours(plan, aired)
    found += _fixed_in_binder_order(aired)
    found += separation_violations(plan, aired)
    found += _closing_song_airs(plan, aired)
    found += _nothing_taken_is_lost(plan, timeline, commands)
    return found


def _nothing_taken_is_lost(
    plan: DayPlan, timeline: Sequence[AsRunEntry], commands: Sequence[ScheduledCommand]
) -> list[str]:
    """Every page sent airs in full, or is logged as skipped (with its reason); every fixed
    slot of the day airs or is logged; nothing but an emergency is cut at the day's end."""
    found = []
    done = {
        e.ref for e in timeline
        if e.kind is ItemKind.SKIPPED or (e.kind is ItemKind.ANNOUNCEMENT and not e.interrupted)
    }  # fmt: skip
    for command in commands:
        page = command.command
        if isinstance(page, Page) and page.id not in done and command.at < plan.day_end:
            found.append(f"page {page.id!r} sent at {command.at:.3f}: neither aired nor logged")
    fixed = [e for e in timeline if e.source is Source.FIXED]
    for slot in plan.fixed:
        if not any(e.ref == slot.script.id and e.due_at == slot.due for e in fixed):
            found.append(f"fixed slot {slot.script.id} at {slot.due:.3f}: neither aired nor logged")
    for e in timeline:
        if e.interrupted and e.end >= plan.day_end - EPS and e.kind is not ItemKind.EMERGENCY:
            found.append(f"{_t(e)} cut at the day's end")
    return found


def _t(entry: AsRunEntry) -> str:
    return f"{entry.kind.value} {entry.ref!r} at {entry.start:.3f}"


def _no_overlap(aired: Sequence[AsRunEntry]) -> list[str]:
    return [f"{_t(b)} overlaps {_t(a)}" for a, b in pairwise(aired) if b.start < a.end - EPS]


def _no_gap_while_open(plan: DayPlan, aired: Sequence[AsRunEntry]) -> list[str]:
    """No dead air while open, but pauses of at most MAX_QUIET after an emergency's item,
    and the quiet once the closing song has aired (it starts early rather than not at all
    when no song of the list ends by closing; only pages already taken follow it)."""
    found = []
    closing = [e.end for e in aired if e.source is Source.CLOSING_SONG and not e.interrupted]
    music_over = min(closing, default=plan.closing) - EPS  # then only pages taken (B16)
    in_hours = [e for e in aired if plan.opening - EPS <= e.start < plan.closing]
    if (
        in_hours
        and in_hours[0].start > plan.opening + EPS
        and not _emergency_before(aired, in_hours[0])
    ):
        found.append(f"dead air at opening until {_t(in_hours[0])}")
    for a, b in pairwise(aired):
        if (
            b.start > a.end + EPS
            and plan.opening <= a.end < min(plan.closing, music_over)
            and (a.kind is not ItemKind.EMERGENCY or b.start - a.end > MAX_QUIET + EPS)
        ):
            found.append(f"dead air {b.start - a.end:.3f}s after {_t(a)}")
    return found


def _closing_song_airs(plan: DayPlan, aired: Sequence[AsRunEntry]) -> list[str]:
    """B16: a playable closing song airs once in full (again if an urgent page cut it),
    starting before closing, unless an emergency was on the air in the last hour of the day."""
    song = plan.closing_song
    late = [e for e in aired if e.kind is ItemKind.EMERGENCY and e.end > plan.closing - 3600]
    if song is None or not song.playable or late:
        return []
    closing = [e for e in aired if e.source is Source.CLOSING_SONG and not e.interrupted]
    if len(closing) != 1 or not plan.opening <= closing[0].start < plan.closing:
        return [
            f"the closing song aired {len(closing)} time(s) in full: {[_t(e) for e in closing]}"
        ]
    return []


def _emergency_before(aired: Sequence[AsRunEntry], entry: AsRunEntry) -> bool:
    earlier = [e for e in aired if e.end <= entry.start + EPS]
    return bool(earlier) and earlier[-1].kind is ItemKind.EMERGENCY


def _breaks_well_formed(plan: DayPlan, aired: Sequence[AsRunEntry]) -> list[str]:
    """B9/B10: intro, 1..max announcements (and past that only fixed slots: pages never
    starve them), outro; a break starts only at a song boundary."""
    breaks: list[tuple[AsRunEntry | None, list[AsRunEntry]]] = []
    for index, entry in enumerate(aired):
        if entry.kind not in _BREAK:
            continue
        run = breaks[-1][1] if breaks else None
        if (
            run
            and entry.kind is not ItemKind.INTRO
            and abs(entry.start - run[-1].end) < EPS
            and run[-1] is aired[index - 1]
        ):
            run.append(entry)
        else:
            breaks.append((aired[index - 1] if index else None, [entry]))
    return [problem for before, run in breaks for problem in _one_break(plan, run, before)]


def _one_break(plan: DayPlan, run: list[AsRunEntry], before: AsRunEntry | None) -> list[str]:
    found = []
    cut = any(e.interrupted for e in run)
    if run[0].kind is not ItemKind.INTRO:
        found.append(f"break without intro: {_t(run[0])}")
    if run[-1].kind is not ItemKind.OUTRO and not cut:
        found.append(f"break without outro: {_t(run[-1])}")
    announcements = [e for e in run if e.kind is ItemKind.ANNOUNCEMENT]
    beyond = announcements[plan.max_announcements :]
    if any(e.source is not Source.FIXED for e in beyond):
        found.append(f"{len(announcements)} announcements in the break at {_t(run[0])}")
    if not announcements and not cut:
        found.append(f"empty break at {_t(run[0])}")
    cut_early = cut and not announcements  # an emergency took the air before the first
    if (
        before is not None
        and before.kind is ItemKind.MUSIC
        and before.interrupted
        and not cut_early
    ):
        urgent = any(
            e.source is Source.PAGE
            and e.requested_at is not None
            and before.end >= e.requested_at + plan.urgent_max_wait - EPS
            for e in announcements
        )
        if not urgent:
            found.append(f"break at {_t(run[0])} cut a song without an overdue urgent page")
    for e in announcements:
        if e.due_at is not None and e.start < e.due_at - plan.fixed_early - EPS:
            found.append(f"{_t(e)} aired before its slot window")
    return found


def _cut_announcements_replayed(aired: Sequence[AsRunEntry]) -> list[str]:
    """B12: an announcement an emergency cut airs again in full, later; unless nothing but
    the emergency aired after it (on at the day's end), or the closing song came first and
    it is not a page (B16)."""
    found = []
    for i, entry in enumerate(aired):
        if entry.kind is ItemKind.ANNOUNCEMENT and entry.interrupted:
            later = aired[i + 1 :]
            if all(e.kind is ItemKind.EMERGENCY for e in later):
                continue
            closing = any(e.source is Source.CLOSING_SONG for e in later)
            if closing and entry.source is not Source.PAGE:
                continue
            again = [
                e
                for e in aired[i + 1 :]
                if e.kind is ItemKind.ANNOUNCEMENT and e.ref == entry.ref and not e.interrupted
            ]
            if not again:
                found.append(f"cut announcement {_t(entry)} never aired again")
    return found


def _only_emergencies_outside_hours(plan: DayPlan, aired: Sequence[AsRunEntry]) -> list[str]:
    """B16: outside business hours nothing airs but emergencies (and pages taken while open)."""
    found = []
    for e in aired:
        if e.kind is ItemKind.EMERGENCY or plan.opening - EPS <= e.start < plan.closing:
            continue
        page_taken_while_open = e.source is Source.PAGE and (e.requested_at or 0) < plan.closing
        if e.kind in (ItemKind.INTRO, ItemKind.OUTRO) or page_taken_while_open:
            continue
        found.append(f"{_t(e)} aired outside business hours")
    return found


def _fixed_in_binder_order(aired: Sequence[AsRunEntry]) -> list[str]:
    fixed = [
        e
        for e in aired
        if e.kind is ItemKind.ANNOUNCEMENT and e.source is Source.FIXED and not e.interrupted
    ]
    return [
        f"{_t(b)} (due {b.due_at}) aired after {_t(a)} (due {a.due_at})"
        for a, b in pairwise(fixed)
        if (b.due_at or 0) < (a.due_at or 0)
    ]
