"""Emergencies over whole simulated days: the alert tone and the message alternate, nothing is
quiet for more than 2 s, the all-clear airs first after the clear, then a calm without
campaigns; all of it across a restart too."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from itertools import pairwise
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from daemon.drivers.playout import Playout
from daemon.drivers.simulate import simulate
from daemon.emergency import ALERT_TITLE, PAUSE
from daemon.engine import Engine
from daemon.model import (
    AsRunEntry,
    Clear,
    DayPlan,
    EmergencyCall,
    ItemKind,
    Recovery,
    ScheduledCommand,
    Script,
    ScriptKind,
    Source,
)
from tests.factory import (
    ALL_CLEAR,
    PlanSpec,
    at,
    clear,
    emergency,
    emergency_script,
    fixed_script,
    make_plan,
    page,
    random_durations,
)
from tests.invariants import violations
from tests.invariants_emergency import MAX_QUIET


def campaign(every_songs: int = 1) -> tuple[Script, float, list[tuple[str, str]]]:
    script = Script(
        "sale", ScriptKind.CAMPAIGN, "sale", "冬季特卖", Path("/lib/sale.toml"),
        approved_by="企划部", approved_at=date(2026, 11, 1), every_songs=every_songs,
    )  # fmt: skip
    return script, 9.0, [("10:00", "22:00")]


def plan_with(spec: PlanSpec | None = None, calm: float = 600.0) -> DayPlan:
    plan = make_plan(spec or PlanSpec(campaigns=[campaign()]))
    return replace(plan, all_clears=(("fire", ALL_CLEAR),), calm_after_emergency=calm)


def sounds(timeline: list[AsRunEntry]) -> list[AsRunEntry]:
    return [e for e in timeline if e.kind is not ItemKind.SKIPPED]


def fire_items(timeline: list[AsRunEntry]) -> list[AsRunEntry]:
    return [e for e in sounds(timeline) if e.kind is ItemKind.EMERGENCY and e.ref == "fire"]


def test_the_alert_tone_fills_the_wait_between_messages() -> None:
    plan = plan_with(PlanSpec(alert=2.0))
    commands = [emergency(plan, "11:00", emergency_script("fire", 30.0), 13.0),
                clear(plan, "11:03")]  # fmt: skip
    timeline = simulate(plan, commands)
    assert violations(plan, timeline, commands) == []
    items = fire_items(timeline)
    assert items[0].title == ALERT_TITLE and items[0].start - commands[0].at <= plan.emergency_fade
    messages = [e for e in items if e.title != ALERT_TITLE]
    for a, b in pairwise(messages):
        assert 30.0 <= b.start - a.start < 30.0 + 2.0  # at most one alert tone more
        between = [e for e in items if a.end <= e.start < b.start]
        assert between and all(e.title == ALERT_TITLE for e in between)
        assert between[0].start == a.end and between[-1].end == b.start  # back to back
    assert all(x.end == y.start for x, y in pairwise(items))


def test_repeat_zero_alternates_alert_and_message_back_to_back() -> None:
    plan = plan_with(PlanSpec(alert=1.5))
    commands = [emergency(plan, "11:00", emergency_script("fire", 0.0), 10.0),
                clear(plan, "11:01:10")]  # fmt: skip
    items = fire_items(simulate(plan, commands))
    titles = [e.title for e in items]
    assert titles[:6] == [ALERT_TITLE, "fire"] * 3


def test_without_an_alert_tone_the_message_repeats_after_a_short_pause() -> None:
    plan = plan_with(PlanSpec(alert=None))
    commands = [emergency(plan, "11:00", emergency_script("fire", 45.0), 10.0),
                clear(plan, "11:01:10")]  # fmt: skip
    timeline = simulate(plan, commands)
    assert violations(plan, timeline, commands) == []
    items = fire_items(timeline)
    assert all(e.title == "fire" for e in items)
    assert all(b.start - a.end == PAUSE for a, b in pairwise(items))


def test_an_alert_tone_that_cannot_play_is_passed_over_and_the_message_airs() -> None:
    plan = plan_with(PlanSpec(alert=2.0))
    engine = Engine(plan)
    now = at(plan, "11:00")
    engine.advance(now)
    engine.command(now, EmergencyCall(emergency_script("fire", 30.0), 10.0))
    item = engine.advance(now + plan.emergency_fade)
    assert item is not None and item.title == ALERT_TITLE
    after = engine.fail(now + plan.emergency_fade, "the alert file is damaged")
    assert after is not None and after.title == "fire"  # at once, and no loop
    later = engine.advance(now + plan.emergency_fade + 10.0)
    assert later is None and engine.wake_at() == now + plan.emergency_fade + 10.0 + PAUSE


def test_the_all_clear_airs_first_after_the_clear_then_the_music() -> None:
    plan = plan_with()
    commands = [emergency(plan, "15:00", emergency_script("fire", 30.0), 13.0),
                clear(plan, "15:01:01")]  # fmt: skip
    timeline = sounds(simulate(plan, commands))
    assert violations(plan, timeline, commands) == []
    index = next(i for i, e in enumerate(timeline) if e.ref == ALL_CLEAR.id)
    before, all_clear, after = timeline[index - 1], timeline[index], timeline[index + 1]
    assert before.ref == "fire" and before.start < commands[1].at < before.end  # it finished
    assert all_clear.start == before.end and all_clear.kind is ItemKind.EMERGENCY
    assert all_clear.end - all_clear.start == 6.0
    assert after.kind is ItemKind.MUSIC and after.start == all_clear.end


def test_a_clear_in_a_pause_airs_the_all_clear_at_once() -> None:
    plan = plan_with(PlanSpec(alert=None, campaigns=[campaign()]))
    commands = [emergency(plan, "15:00", emergency_script("fire", 30.0), 10.0)]
    cleared = at(plan, "15:00") + plan.emergency_fade + 10.5  # in the 1 s pause
    commands.append(clear(plan, cleared))
    timeline = sounds(simulate(plan, commands))
    assert next(e for e in timeline if e.ref == ALL_CLEAR.id).start == cleared


def test_no_campaign_in_the_calm_but_pages_and_fixed_slots_air() -> None:
    fixed = fixed_script("no-unwrapping", ["15:06"])
    plan = plan_with(PlanSpec(fixed=[(fixed, 8.0)], campaigns=[campaign()]))
    commands = [
        emergency(plan, "15:00", emergency_script("fire", 30.0), 13.0),
        page(plan, "15:00:30", id="lost-umbrella"),
        clear(plan, "15:02"),
    ]
    timeline = sounds(simulate(plan, commands))
    assert violations(plan, timeline, commands) == []
    calm_end = commands[2].at + plan.calm_after_emergency
    calm = [e for e in timeline if commands[2].at <= e.start < calm_end]
    sources = {e.source for e in calm if e.kind is ItemKind.ANNOUNCEMENT}
    assert sources == {Source.PAGE, Source.FIXED}
    sale = [e for e in timeline if e.source is Source.CAMPAIGN and e.start >= commands[2].at]
    assert sale and sale[0].start >= calm_end
    before = [e for e in timeline if e.source is Source.CAMPAIGN and e.start < commands[0].at]
    assert before  # every song, before the emergency


def test_the_calm_can_be_turned_off() -> None:
    plan = plan_with(calm=0.0)
    commands = [emergency(plan, "15:00", emergency_script("fire", 30.0), 13.0),
                clear(plan, "15:01")]  # fmt: skip
    timeline = sounds(simulate(plan, commands))
    after = [e for e in timeline if e.start >= commands[1].at and e.kind is ItemKind.ANNOUNCEMENT]
    assert after[0].source is Source.CAMPAIGN


def test_a_new_emergency_cuts_the_all_clear_and_brings_its_own() -> None:
    plan = plan_with()
    fire = emergency_script("fire", 30.0)
    first = [emergency(plan, "15:00", fire, 13.0), clear(plan, "15:00:20")]
    all_clear = next(e for e in simulate(plan, first) if e.ref == ALL_CLEAR.id)
    commands = [*first, emergency(plan, all_clear.start + 2.0, fire, 13.0), clear(plan, "15:03")]
    timeline = sounds(simulate(plan, commands))
    assert violations(plan, timeline, commands) == []
    clears = [e for e in timeline if e.ref == ALL_CLEAR.id]
    assert [e.interrupted for e in clears] == [True, False]


# -- over whole random days (Hypothesis) ---------------------------------------------------

EVENT = st.tuples(
    st.integers(8 * 3600, 23 * 3600),  # when, seconds after midnight
    st.integers(5, 900),  # how long until the clear
    st.booleans(),  # cleared at all
)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    alert=st.sampled_from([None, 0.4, 1.5, 2.0, 6.0]),
    repeat=st.sampled_from([0.0, 10.0, 30.0, 45.0, 120.0]),
    message=st.floats(1.0, 40.0),
    events=st.lists(EVENT, max_size=3),
    with_clear=st.booleans(),
)
def test_random_days_with_emergencies_are_never_quiet_and_end_with_the_all_clear(
    seed: int,
    alert: float | None,
    repeat: float,
    message: float,
    events: list[tuple[int, int, bool]],
    with_clear: bool,
) -> None:
    spec = PlanSpec(
        dayparts=[("10:00", "22:00", random_durations(12, seed, 90, 330), seed % 2 == 0)],
        fixed=[(fixed_script("f", ["11:00", "15:30", "18:00"]), 7.0)],
        campaigns=[campaign(1 + seed % 3)],
        alert=alert,
    )
    plan = make_plan(spec)
    if with_clear:
        plan = replace(plan, all_clears=(("fire", ALL_CLEAR),))
    start = plan.day_start
    commands: list[ScheduledCommand] = []
    fire = emergency_script("fire", repeat)
    for when, lasts, cleared in events:
        commands.append(emergency(plan, start + when, fire, message))
        if cleared:
            commands.append(clear(plan, start + when + lasts))
    timeline = simulate(plan, commands)
    assert violations(plan, timeline, commands) == []


# -- across a restart ----------------------------------------------------------------------


def until(plan: DayPlan, commands: list[ScheduledCommand], clock: str) -> list[AsRunEntry]:
    """The day's log as the store would hold it at `clock` (the item on air cut there)."""
    stop = at(plan, clock)
    playout = Playout(plan, commands)
    playout.run_until(stop)
    playout.finish(stop)
    return sorted(playout.timeline, key=lambda e: e.start)


def resumed(
    plan: DayPlan, clock: str, log: list[AsRunEntry], call: EmergencyCall | None
) -> Playout:
    calls = () if call is None else (call,)
    playout = Playout(plan, start=at(plan, clock), recovery=Recovery(tuple(log), (), calls))
    playout.run_until(plan.day_end)
    playout.finish(plan.day_end)
    return playout


def test_an_emergency_goes_on_alternating_after_a_restart_with_its_first_instant() -> None:
    plan = plan_with(PlanSpec(alert=2.0))
    call = emergency(plan, "15:00", emergency_script("fire", 30.0), 13.0)
    log = until(plan, [call], "15:01:05")
    assert isinstance(call.command, EmergencyCall)
    playout = Playout(plan, start=at(plan, "15:01:10"),
                      recovery=Recovery(tuple(log), (), (call.command,)))  # fmt: skip
    snapshot = playout.engine.snapshot().emergency
    assert snapshot is not None and snapshot.started_at == call.at
    assert playout.item is not None and playout.item.title == ALERT_TITLE  # at once
    playout.run_until(at(plan, "15:03"))
    playout.command(at(plan, "15:03"), Clear())
    playout.run_until(plan.day_end)
    playout.finish(plan.day_end)
    after = sounds(sorted(playout.timeline, key=lambda e: e.start))
    items = [e for e in after if e.start < at(plan, "15:03")]
    assert all(b.start - a.end <= MAX_QUIET for a, b in pairwise(items))
    assert [e.title for e in items[:2]] == [ALERT_TITLE, "fire"]
    assert next(e for e in after if e.start >= at(plan, "15:03")).ref == ALL_CLEAR.id


def test_a_restart_after_the_clear_airs_the_all_clear_then_keeps_the_calm() -> None:
    plan = plan_with()
    commands = [emergency(plan, "15:00", emergency_script("fire", 30.0), 13.0),
                clear(plan, "15:00:40")]  # fmt: skip
    log = until(plan, commands, "15:00:45")  # the last message on air, cut by the stop
    assert log[-1].ref == "fire" and log[-1].interrupted
    after = sounds(resumed(plan, "15:01", log, None).timeline)
    assert after[0].ref == ALL_CLEAR.id and after[0].start == at(plan, "15:01")
    sale = [e for e in after if e.source is Source.CAMPAIGN]
    assert sale and sale[0].start >= after[0].end + plan.calm_after_emergency


def test_an_all_clear_cut_by_a_restart_airs_again_in_full() -> None:
    plan = plan_with()
    commands = [emergency(plan, "15:00", emergency_script("fire", 30.0), 13.0),
                clear(plan, "15:00:40")]  # fmt: skip
    log = until(plan, commands, "15:00:50")
    assert log[-1].ref == ALL_CLEAR.id and log[-1].interrupted
    after = sounds(resumed(plan, "15:01", log, None).timeline)
    assert after[0].ref == ALL_CLEAR.id and not after[0].interrupted
    assert after[0].end - after[0].start == 6.0


def test_a_restart_in_the_calm_keeps_it() -> None:
    plan = plan_with()
    commands = [emergency(plan, "15:00", emergency_script("fire", 30.0), 13.0),
                clear(plan, "15:00:40")]  # fmt: skip
    log = until(plan, commands, "15:04")  # the all-clear has aired; music since
    last_sound = max(e.end for e in log if e.kind is ItemKind.EMERGENCY)
    after = sounds(resumed(plan, "15:04:30", log, None).timeline)
    assert all(e.ref != ALL_CLEAR.id for e in after)  # aired already
    sale = [e for e in after if e.source is Source.CAMPAIGN]
    assert sale and sale[0].start >= last_sound + plan.calm_after_emergency


def test_the_status_says_until_when_campaigns_are_held() -> None:
    plan = plan_with()
    commands = [emergency(plan, "15:00", emergency_script("fire", 30.0), 13.0),
                clear(plan, "15:00:40")]  # fmt: skip
    playout = Playout(plan, commands)
    playout.run_until(at(plan, "15:03"))
    last_sound = max(e.end for e in playout.timeline if e.kind is ItemKind.EMERGENCY)
    assert playout.engine.snapshot().queue.calm_until == last_sound + plan.calm_after_emergency
    playout.run_until(last_sound + plan.calm_after_emergency + 600)  # songs later
    assert playout.engine.snapshot().queue.calm_until is None
