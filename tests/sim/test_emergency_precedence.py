"""Emergency precedence over simulated days (issue 12, item 4): a higher priority preempts a
lower one, which resumes after it from its alert tone if it was not cleared; an equal or
lower one waits and cuts nothing; a clear names what it clears; the all-clear airs only once
no alarm is on. Each day is checked against the invariants (the precedence model in
tests/invariants_emergency.py) and against the exact items expected."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from daemon.drivers.playout import Playout
from daemon.drivers.simulate import simulate
from daemon.emergency import ALERT_TITLE, Start
from daemon.engine import Engine
from daemon.events import CommandApplied
from daemon.model import (
    AsRunEntry,
    DayPlan,
    EmergencyCall,
    ItemKind,
    Recovery,
    ScheduledCommand,
)
from tests.factory import ALL_CLEAR, PlanSpec, at, clear, emergency, emergency_script, make_plan
from tests.invariants import violations
from tests.invariants_emergency import BLOCK, reigns

FIRE = emergency_script("fire", 30.0, priority=9)
POWER = emergency_script("power", 20.0, priority=5)
FLOOD = emergency_script("flood", 25.0, priority=5)


def plan_of() -> DayPlan:
    plan = make_plan(PlanSpec())
    return replace(plan, all_clears=(("fire", ALL_CLEAR), ("power", ALL_CLEAR)))


def emergency_items(timeline: list[AsRunEntry], ref: str) -> list[AsRunEntry]:
    return [e for e in timeline if e.kind is ItemKind.EMERGENCY and e.ref == ref]


def day(plan: DayPlan, commands: list[ScheduledCommand]) -> list[AsRunEntry]:
    timeline = sorted(simulate(plan, commands), key=lambda e: e.start)
    assert violations(plan, timeline, commands) == []
    return timeline


def test_a_higher_one_preempts_and_the_lower_one_resumes_from_its_alert_tone() -> None:
    plan = plan_of()
    power = emergency(plan, "15:00", POWER, 12.0)
    fire = emergency(plan, "15:00:40", FIRE, 13.0)
    commands = [power, fire, clear(plan, "15:02", "fire"), clear(plan, "15:04", "power")]
    timeline = day(plan, commands)
    cut = next(e for e in emergency_items(timeline, "power") if e.start < fire.at < e.end + 1)
    assert cut.interrupted and cut.end - fire.at <= BLOCK  # mid-sentence: cut at once
    first_fire = emergency_items(timeline, "fire")[0]
    assert first_fire.title == ALERT_TITLE and first_fire.start - fire.at <= BLOCK
    last_fire = emergency_items(timeline, "fire")[-1]
    resumed = [e for e in emergency_items(timeline, "power") if e.start > fire.at]
    assert resumed[0].start == last_fire.end  # right after the fire's last item finished
    assert resumed[0].title == ALERT_TITLE  # the attention signal again, then the message
    assert resumed[0].requested_at == power.at  # the same emergency, taken up again
    assert not [e for e in timeline if e.ref == ALL_CLEAR.id and e.start < at(plan, "15:04")]
    all_clears = [e for e in timeline if e.ref == ALL_CLEAR.id]
    assert len(all_clears) == 1  # once, for both: after the last alarm ended
    assert all_clears[0].start == emergency_items(timeline, "power")[-1].end


def test_an_equal_one_waits_its_turn_and_cuts_nothing() -> None:
    plan = plan_of()
    power = emergency(plan, "15:00", POWER, 12.0)
    flood = emergency(plan, "15:00:10", FLOOD, 11.0)
    commands = [power, flood, clear(plan, "15:01", "power"), clear(plan, "15:02", "flood")]
    timeline = day(plan, commands)
    on_air = next(e for e in timeline if e.start <= flood.at < e.end)
    assert on_air.ref == "power" and not on_air.interrupted
    floods = emergency_items(timeline, "flood")
    assert floods and floods[0].start == emergency_items(timeline, "power")[-1].end
    assert floods[0].start > at(plan, "15:01")


def test_a_lower_one_waits_behind_a_higher_one_and_the_desk_is_told() -> None:
    plan = plan_of()
    engine = Engine(plan)
    now = at(plan, "15:00")
    engine.advance(now)
    assert engine.command(now, EmergencyCall(FIRE, 13.0)) is not None  # cuts the music
    engine.drain()
    assert engine.command(now + 5, EmergencyCall(POWER, 12.0)) is None  # no cut
    applied = [e for e in engine.drain() if isinstance(e, CommandApplied)]
    assert applied[-1].accepted and applied[-1].reason == "waits for fire"
    snapshot = engine.snapshot().emergency
    assert snapshot is not None and snapshot.script_id == "fire" and snapshot.waiting == ("power",)
    assert engine.command(now + 6, EmergencyCall(FIRE, 13.0)) is None  # again: nothing changes
    again = [e for e in engine.drain() if isinstance(e, CommandApplied)]
    assert not again[-1].accepted and "active already" in again[-1].reason


def test_clearing_a_waiting_one_changes_nothing_on_air_and_it_never_airs() -> None:
    plan = plan_of()
    commands = [
        emergency(plan, "15:00", FIRE, 13.0),
        emergency(plan, "15:00:20", POWER, 12.0),
        clear(plan, "15:00:50", "power"),
        clear(plan, "15:02", "fire"),
    ]
    timeline = day(plan, commands)
    assert emergency_items(timeline, "power") == []
    fires = emergency_items(timeline, "fire")
    assert not any(e.interrupted for e in fires)


def test_a_clear_naming_an_emergency_not_active_is_refused_and_changes_nothing() -> None:
    plan = plan_of()
    engine = Engine(plan)
    now = at(plan, "15:00")
    engine.advance(now)
    engine.command(now, EmergencyCall(FIRE, 13.0))
    engine.drain()
    engine.command(now + 1, clear(plan, now + 1, "power").command)
    applied = [e for e in engine.drain() if isinstance(e, CommandApplied)]
    assert not applied[-1].accepted and applied[-1].reason == "power is not active"
    assert engine.snapshot().emergency is not None


def test_a_clear_naming_none_clears_every_one_active() -> None:
    plan = plan_of()
    commands = [emergency(plan, "15:00", POWER, 12.0), emergency(plan, "15:00:30", FIRE, 13.0),
                clear(plan, "15:01")]  # fmt: skip
    timeline = day(plan, commands)
    assert not [e for e in emergency_items(timeline, "power") if e.start > at(plan, "15:01")]
    assert len([e for e in timeline if e.ref == ALL_CLEAR.id]) == 1


def test_after_a_restart_the_highest_active_airs_and_the_other_waits() -> None:
    plan = plan_of()
    start = at(plan, "15:05")
    recovery = Recovery((), (), (EmergencyCall(POWER, 12.0), EmergencyCall(FIRE, 13.0)))
    playout = Playout(plan, start=start, recovery=recovery)
    assert playout.item is not None and playout.item.ref == "fire"
    snapshot = playout.engine.snapshot().emergency
    assert snapshot is not None and snapshot.waiting == ("power",)
    playout.run_until(start + 60)
    playout.command(start + 60, clear(plan, start + 60, "fire").command)
    playout.run_until(start + 120)
    assert playout.engine.snapshot().emergency is not None  # power, on air now
    refs = [e.ref for e in playout.timeline if e.start > start + 60]
    assert "power" in refs and ALL_CLEAR.id not in refs


def test_an_all_clear_owed_when_the_service_stopped_airs_once_the_last_one_is_cleared() -> None:
    """The fire (with an all-clear) cleared while the power failure (without) was still on;
    a restart then; the fire's all-clear airs after the power is cleared, once."""
    plan = replace(plan_of(), all_clears=(("fire", ALL_CLEAR),))
    commands = [emergency(plan, "15:00", POWER, 12.0), emergency(plan, "15:00:40", FIRE, 13.0),
                clear(plan, "15:02", "fire")]  # fmt: skip
    cleared, restart = at(plan, "15:02"), at(plan, "15:03")
    stopped = Playout(plan, commands)
    stopped.run_until(restart)
    stopped.finish(restart)  # the process stops: the power's item on air is cut
    before = sorted(stopped.timeline, key=lambda e: e.start)
    recovery = Recovery(tuple(before), (), (EmergencyCall(POWER, 12.0),), (("fire", cleared),))
    playout = Playout(plan, start=restart, recovery=recovery)
    assert playout.item is not None and playout.item.ref == "power"
    playout.run_until(restart + 60)
    assert all(e.ref != ALL_CLEAR.id for e in playout.timeline)  # not while an alarm is on
    playout.command(restart + 60, clear(plan, restart + 60, "power").command)
    playout.run_until(plan.day_end)
    playout.finish(plan.day_end)
    owed = [e for e in playout.timeline if e.ref == ALL_CLEAR.id]
    assert len(owed) == 1 and owed[0].start >= restart + 60 and not owed[0].interrupted
    log = tuple(before + playout.timeline)
    later = Recovery(log, (), (), (("fire", cleared),))
    again = Playout(plan, start=owed[0].end + 1, recovery=later)
    again.run_until(owed[0].end + 600)
    assert all(e.ref != ALL_CLEAR.id for e in again.timeline)  # aired in full: owed no more


PRESETS = [FIRE, POWER, FLOOD]


@settings(max_examples=40, deadline=None)
@given(
    calls=st.lists(
        st.tuples(st.integers(0, 2), st.floats(0, 600), st.one_of(st.none(), st.floats(1, 400))),
        min_size=1,
        max_size=6,
    )
)
def test_any_mix_of_calls_and_named_clears_keeps_the_precedence(
    calls: list[tuple[int, float, float | None]],
) -> None:
    """Calls of three presets (two of equal priority) at random moments, each cleared by
    name after a while or never: the timeline follows the precedence model."""
    plan = plan_of()
    base = at(plan, "15:00")
    commands: list[ScheduledCommand] = []
    for index, offset, lasts in calls:
        script = PRESETS[index]
        commands.append(emergency(plan, base + offset, script, 10.0 + index))
        if lasts is not None:
            commands.append(clear(plan, base + offset + lasts, script.id))
    timeline = day(plan, commands)
    for reign in reigns(commands):  # the preset of each reign is heard in it (if it lasts)
        end = reign.end if reign.end is not None else plan.day_end
        if end - reign.start > 20.0:
            heard = [
                e for e in emergency_items(timeline, reign.preset) if reign.start <= e.start < end
            ]
            assert heard, f"{reign.preset} never aired in its reign from {reign.start:.3f}"


def test_the_cycle_says_what_it_did_with_each_call() -> None:
    from daemon.emergency import EmergencyCycle

    cycle = EmergencyCycle(plan_of())
    now = at(plan_of(), "15:00")
    assert cycle.start(now, EmergencyCall(POWER, 12.0)) is Start.ON_AIR
    assert cycle.start(now + 1, EmergencyCall(FLOOD, 11.0)) is Start.WAITING
    assert cycle.start(now + 2, EmergencyCall(FIRE, 13.0)) is Start.ON_AIR
    assert cycle.start(now + 3, EmergencyCall(POWER, 12.0)) is Start.ALREADY
    assert [i.ref for i in cycle.clear(now + 4, "fire")] == ["fire"]
    assert cycle.active is not None and cycle.active.ref == "power"  # the earlier of equals
    assert [i.ref for i in cycle.clear(now + 5, "")] == ["power", "flood"]
    assert cycle.active is None


def test_an_all_clear_cut_by_a_new_emergency_airs_again_in_full_after_it() -> None:
    plan = replace(make_plan(PlanSpec()), all_clears=(("fire", ALL_CLEAR),))  # power: none
    first = [emergency(plan, "15:00", FIRE, 13.0), clear(plan, "15:00:20", "fire")]
    fire_end = emergency_items(day(plan, first), "fire")[-1].end  # the all-clear starts there
    power = emergency(plan, fire_end + 2.0, POWER, 12.0)  # 2 s into the all-clear
    commands = [*first, power, clear(plan, fire_end + 60.0, "power")]
    timeline = day(plan, commands)
    cut, again = [e for e in timeline if e.ref == ALL_CLEAR.id]
    assert cut.interrupted and cut.end - power.at <= BLOCK
    assert not again.interrupted and again.end - again.start == 6.0  # in full
    assert again.start == emergency_items(timeline, "power")[-1].end  # first after the power
