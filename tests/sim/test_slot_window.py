"""The slot window (B4, "within the prescribed time"): a fixed slot airs at a boundary up to
`fixed_early` seconds before its time; lateness is signed (negative: early)."""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

from daemon.drivers.playout import Playout
from daemon.drivers.simulate import simulate
from daemon.model import AsRunEntry, DayPlan, FixedSlot, ItemKind, Recovery, Source
from daemon.timeline import entry_json, format_table
from tests.factory import PlanSpec, at, fixed_script, make_plan, page
from tests.invariants import violations

# sequential: the opening song 10:00-10:01, then 180, 200, 220, 240 s: boundaries at
# 10:04:00, 10:07:20, 10:11:00, 10:15:00, ...
SPEC = PlanSpec(dayparts=[("10:00", "22:00", (180.0, 200.0, 220.0, 240.0), False)])
SCRIPT = fixed_script("no-unwrapping", ["10:30"])


def with_slot(clock: str, early: float | None = None, spec: PlanSpec = SPEC) -> DayPlan:
    plan = make_plan(spec)
    plan = replace(plan, fixed=(FixedSlot(at(plan, clock), SCRIPT, 8.0),))
    return plan if early is None else replace(plan, fixed_early=early)


def fixed_of(timeline: list[AsRunEntry]) -> AsRunEntry:
    [entry] = [e for e in timeline if e.source is Source.FIXED and e.kind is ItemKind.ANNOUNCEMENT]
    return entry


def test_a_boundary_40_s_before_the_slot_airs_it_early() -> None:
    plan = with_slot("10:04:40")
    timeline = simulate(plan)
    assert violations(plan, timeline) == []
    entry = fixed_of(timeline)
    assert entry.start == at(plan, "10:04:00") + plan.intro.duration  # type: ignore[operator]
    assert entry.lateness == -40.0 + 3.5  # signed: early


def test_a_boundary_90_s_before_does_not_with_the_default_window() -> None:
    plan = with_slot("10:05:30")
    assert plan.fixed_early == 60.0
    entry = fixed_of(simulate(plan))
    assert entry.start == at(plan, "10:07:20") + 3.5
    assert entry.lateness == 110.0 + 3.5


def test_no_window_no_early_slot() -> None:
    plan = with_slot("10:04:40", early=0.0)
    assert fixed_of(simulate(plan)).start == at(plan, "10:07:20") + 3.5


def test_a_slot_whose_window_opens_during_a_break_joins_it() -> None:
    plan = with_slot("10:05:10")
    commands = [page(plan, "10:03:30", id="p", seconds=11.0)]
    timeline = [e for e in simulate(plan, commands) if e.kind is not ItemKind.SKIPPED]
    assert violations(plan, timeline, commands) == []
    start = next(i for i, e in enumerate(timeline) if e.ref == "p")
    kinds = [(e.kind, e.ref) for e in timeline[start - 1 : start + 3]]
    assert kinds[1:3] == [(ItemKind.ANNOUNCEMENT, "p"), (ItemKind.ANNOUNCEMENT, SCRIPT.id)]
    assert kinds[0][0] is ItemKind.INTRO and kinds[3][0] is ItemKind.OUTRO
    assert fixed_of(timeline).lateness == at(plan, "10:04:00") + 3.5 + 11.0 - at(plan, "10:05:10")


def test_signed_lateness_in_the_timeline_and_its_table() -> None:
    plan = with_slot("10:04:40")
    entry = fixed_of(simulate(plan))
    assert entry_json(entry, ZoneInfo("Asia/Shanghai"))["lateness_seconds"] == -36.5
    assert "due 10:04, -36s" in format_table([entry], ZoneInfo("Asia/Shanghai"))


def test_a_slot_aired_early_is_not_aired_again_after_a_restart() -> None:
    plan = with_slot("10:04:40")
    stop = at(plan, "10:04:20")  # aired early, before its time; then the service stopped
    playout = Playout(plan)
    playout.run_until(stop)
    playout.finish(stop)
    log = sorted(playout.timeline, key=lambda e: e.start)
    assert fixed_of(log).start < at(plan, "10:04:40")
    again = Playout(plan, start=at(plan, "10:04:30"), recovery=Recovery(tuple(log)))
    again.run_until(plan.day_end)
    assert not [e for e in again.timeline if e.source is Source.FIXED]
