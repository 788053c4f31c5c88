"""The rules of emergencies a whole day's timeline must keep (part of `invariants.violations`).

The commands alone say which emergency should be on air at each instant (`reigns`): of the
presets active (started, not yet cleared), the highest priority, the earliest among equals.
This model is written from the rules, not from `daemon.emergency`:

- a call that takes the air (nothing of its priority or higher active) starts within one
  audio block, cutting what was on (unless preempted or cleared within that block); a call
  that waits cuts nothing;
- an emergency message or alert tone starts only in the reign of its own preset (the item
  on air when the reign changes may finish, unless a call preempted it);
- while any emergency is active, the output is never quiet for more than `MAX_QUIET`;
- no all-clear starts while an emergency is active; once none is, the first things to start
  are the all-clears of the presets cleared (each script once, in the order cleared), after
  any all-clear the span's first call cut (it airs again, in full);
- no campaign starts within `plan.calm_after_emergency` seconds of the last clear.
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

__all__ = ["BLOCK", "MAX_QUIET", "Reign", "Span", "emergency_violations", "reigns", "spans"]

MAX_QUIET = 2.0
BLOCK = 1024 / 48_000  # one audio block: the most an emergency may wait
EPS = 1e-6


@dataclass(frozen=True, slots=True)
class Reign:
    """The preset on air from `start` to `end` (None: the day's end); `preempted` when it
    began by a call of a higher priority than the one on air."""

    preset: str
    start: float
    end: float | None
    preempted: bool = False


@dataclass(frozen=True, slots=True)
class Span:
    """From a call with no emergency active to the clear after which none is (None: still
    on at the day's end); `cleared` are the presets cleared within it, in order."""

    start: float
    clear: float | None
    cleared: tuple[str, ...]


@dataclass(slots=True)
class _Model:
    reigns: list[Reign]
    spans: list[Span]
    takes_air: list[ScheduledCommand]  # calls that went on air at once
    waits: list[ScheduledCommand]  # calls that waited (or were active already)


def _model(commands: Sequence[ScheduledCommand]) -> _Model:
    active: list[tuple[int, int, str]] = []  # (-priority, order, preset), sorted
    model = _Model([], [], [], [])
    top: tuple[str, float, bool] | None = None  # the reigning preset, since, preempted
    span_start: float | None = None
    cleared: list[str] = []
    for n, command in enumerate(sorted(commands, key=lambda c: (c.at, c.line))):
        cmd, at = command.command, command.at
        if isinstance(cmd, EmergencyCall):
            if any(p == cmd.script.id for _, _, p in active):
                model.waits.append(command)
                continue
            had = bool(active)
            active = sorted([*active, (-cmd.script.priority, n, cmd.script.id)])
            if span_start is None:
                span_start, cleared = at, []
            (model.takes_air if active[0][2] == cmd.script.id else model.waits).append(command)
            preempted = had and active[0][2] == cmd.script.id
        elif isinstance(cmd, Clear) and active:
            gone = [p for _, _, p in active if not cmd.script_id or p == cmd.script_id]
            active = [a for a in active if a[2] not in gone]
            cleared += gone
            preempted = False
            if not active and span_start is not None:
                model.spans.append(Span(span_start, at, tuple(cleared)))
                span_start = None
        else:
            continue
        now_top = active[0][2] if active else None
        if top is not None and now_top != top[0]:
            model.reigns.append(Reign(top[0], top[1], at, top[2]))
        if now_top is not None and (top is None or now_top != top[0]):
            top = (now_top, at, preempted)
        elif now_top is None:
            top = None
    if top is not None:
        model.reigns.append(Reign(top[0], top[1], None, top[2]))
    if span_start is not None:
        model.spans.append(Span(span_start, None, tuple(cleared)))
    return model


def reigns(commands: Sequence[ScheduledCommand]) -> list[Reign]:
    return _model(commands).reigns


def spans(commands: Sequence[ScheduledCommand]) -> list[Span]:
    return _model(commands).spans


def emergency_violations(
    plan: DayPlan, aired: Sequence[AsRunEntry], commands: Sequence[ScheduledCommand]
) -> list[str]:
    model = _model(commands)
    clears = {preset: script.id for preset, script in plan.all_clears}
    all_clear_ids = set(clears.values())
    found = _prompt(aired, model) + _in_their_reign(aired, model, all_clear_ids)
    calls = sorted(c.at for c in commands if isinstance(c.command, EmergencyCall))
    for span in model.spans:
        found += _never_quiet(span, aired, plan.day_end)
        found += [
            f"all-clear {e.ref!r} at {e.start:.3f} while an emergency was active"
            for e in aired
            if e.ref in all_clear_ids
            and span.start + EPS < e.start < (plan.day_end if span.clear is None else span.clear)
        ]
        if span.clear is None:
            continue
        cut = [  # all-clears this span's first call cut: they air again after it
            e.ref
            for e in aired
            if e.ref in all_clear_ids
            and e.interrupted
            and span.start - EPS <= e.end <= span.start + BLOCK
        ]
        found += _all_clears_first(span, aired, clears, calls, cut)
        calm_end = span.clear + plan.calm_after_emergency
        found += [
            f"campaign {e.ref!r} at {e.start:.3f}, in the calm after the clear at {span.clear:.3f}"
            for e in aired
            if e.source is Source.CAMPAIGN
            and e.kind is ItemKind.ANNOUNCEMENT
            and span.clear - EPS <= e.start < calm_end - EPS
        ]
    return found


def _prompt(aired: Sequence[AsRunEntry], model: _Model) -> list[str]:
    """A call that takes the air starts within a block; one that waits cuts nothing."""
    found = []
    brief = {
        (r.preset, r.start) for r in model.reigns if r.end is not None and r.end - r.start <= BLOCK
    }
    for command in model.takes_air:
        assert isinstance(command.command, EmergencyCall)
        if (command.command.script.id, command.at) in brief:
            continue  # preempted or cleared before it could be heard
        first = next(
            (e for e in aired if e.kind is ItemKind.EMERGENCY and e.requested_at == command.at),
            None,
        )
        if first is None or first.start - command.at > BLOCK:
            found.append(f"emergency asked at {command.at:.3f} did not start within one block")
    cutting = [c.at for c in model.takes_air]
    for command in model.waits:
        found += [
            f"{e.ref!r} cut at {e.end:.3f} by the call at {command.at:.3f}, which should wait"
            for e in aired
            if e.interrupted
            and e.start < command.at - EPS
            and command.at - EPS <= e.end <= command.at + BLOCK
            and not any(t - EPS <= e.end <= t + BLOCK for t in cutting)  # cut by another
        ]
    return found


def _in_their_reign(
    aired: Sequence[AsRunEntry], model: _Model, all_clear_ids: set[str]
) -> list[str]:
    """Each emergency item starts in its preset's reign; one a preemption caught on air
    ends within a block of it."""
    found = []
    emergency = [e for e in aired if e.kind is ItemKind.EMERGENCY and e.ref not in all_clear_ids]
    for e in emergency:
        if e.interrupted and e.end - e.start <= BLOCK:
            continue  # started at the very instant of a preemption, and faded out at once
        reign = next(
            (
                r
                for r in model.reigns
                if r.start - EPS <= e.start and (r.end is None or e.start < r.end - EPS)
            ),
            None,
        )
        if reign is not None and reign.preset != e.ref:
            found.append(f"{e.ref!r} started at {e.start:.3f} while {reign.preset!r} was on air")
        for r in model.reigns:
            if r.preempted and e.start < r.start - EPS < e.end - BLOCK:
                found.append(f"{e.ref!r} went on past the preemption at {r.start:.3f}")
    return found


def _within(t: float, reign: Reign) -> bool:
    return reign.start - EPS <= t and (reign.end is None or t < reign.end - EPS)


def _all_clears_first(
    span: Span,
    aired: Sequence[AsRunEntry],
    clears: dict[str, str],
    calls: Sequence[float],
    cut: Sequence[str],
) -> list[str]:
    """Once none is active, the all-clears air first: those the span's first call cut, then
    the cleared presets', in the clear order (each script once)."""
    assert span.clear is not None
    expected: list[str] = []
    for script in [*cut, *(clears.get(preset) for preset in span.cleared)]:
        if script is not None and script not in expected:
            expected.append(script)
    after = [  # (the item on air finishes: one of a preset cleared)
        e for e in aired if e.start >= span.clear - EPS and e.ref not in span.cleared
    ]
    first = after[: len(expected)]
    until = first[-1].start if first else span.clear
    if any(span.clear <= t <= until for t in calls):
        return []  # called again before they could air
    if first and [e.ref for e in first] != expected[: len(first)]:
        got = ", ".join(repr(e.ref) for e in first)
        return [f"after the clear at {span.clear:.3f} {got} aired before {expected}"]
    return []


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
