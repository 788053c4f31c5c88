"""The rules of emergencies a whole day's timeline must keep (part of `invariants.violations`).

- while an emergency is active (from its command to the clear), the output is never quiet
  for more than `MAX_QUIET` seconds (the alert tone and the message alternate);
- after a clear, the first thing to start is the preset's all-clear, if the plan has one;
- no campaign starts within `plan.calm_after_emergency` seconds of a clear.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from daemon.model import (
    AsRunEntry,
    Clear,
    DayPlan,
    EmergencyCall,
    ItemKind,
    ScheduledCommand,
    Source,
)

__all__ = ["MAX_QUIET", "Span", "emergency_violations", "spans"]

MAX_QUIET = 2.0
EPS = 1e-6


@dataclass(frozen=True, slots=True)
class Span:
    """An emergency from its first command to its clear (None: still on at the day's end);
    `preset` is the script active at the clear."""

    start: float
    clear: float | None
    preset: str


def spans(commands: Sequence[ScheduledCommand]) -> list[Span]:
    found: list[Span] = []
    start: float | None = None
    preset = ""
    for command in sorted(commands, key=lambda c: (c.at, c.line)):
        if isinstance(command.command, EmergencyCall):
            start = command.at if start is None else start
            preset = command.command.script.id
        elif isinstance(command.command, Clear) and start is not None:
            found.append(Span(start, command.at, preset))
            start = None
    if start is not None:
        found.append(Span(start, None, preset))
    return found


def emergency_violations(
    plan: DayPlan, aired: Sequence[AsRunEntry], commands: Sequence[ScheduledCommand]
) -> list[str]:
    found: list[str] = []
    calls = sorted(c.at for c in commands if isinstance(c.command, EmergencyCall))
    clears = dict(plan.all_clears)
    for span in spans(commands):
        found += _never_quiet(span, aired, plan.day_end)
        if span.clear is None:
            continue
        after = [e for e in aired if e.start >= span.clear - EPS]
        rest = [e for e in after if e.ref != span.preset or e.start > span.clear + EPS]
        first = rest[0] if rest else None  # (an item that began at the clear's instant finishes)
        clear = clears.get(span.preset)
        again = any(span.clear <= t <= (first.start if first else span.clear) for t in calls)
        if clear is not None and first is not None and not again and first.ref != clear.id:
            found.append(
                f"after the clear at {span.clear:.3f} {first.ref!r} aired before {clear.id}"
            )
        calm_end = span.clear + plan.calm_after_emergency
        found += [
            f"campaign {e.ref!r} at {e.start:.3f}, in the calm after the clear at {span.clear:.3f}"
            for e in after
            if e.source is Source.CAMPAIGN
            and e.kind is ItemKind.ANNOUNCEMENT
            and e.start < calm_end - EPS
        ]
    return found


def _never_quiet(span: Span, aired: Sequence[AsRunEntry], day_end: float) -> list[str]:
    """No stretch of more than MAX_QUIET seconds without an item on air, within the span."""
    end = day_end if span.clear is None else span.clear
    cursor, found = span.start, []
    for entry in sorted(aired, key=lambda e: e.start):
        if entry.end <= cursor or entry.start >= end:
            continue
        if entry.start - cursor > MAX_QUIET + EPS:
            found.append(f"{entry.start - cursor:.3f}s quiet before {entry.ref!r} in an emergency")
        cursor = max(cursor, entry.end)
    if end - cursor > MAX_QUIET + EPS:
        found.append(f"{end - cursor:.3f}s quiet at the end of the emergency until {end:.3f}")
    return found
