"""The music never stops while the store is open (issue 12, item 1): a daypart with nothing
playable borrows a list, files that vanish mid-day cost a bounded number of lines, and the
rest of the day (slots, pages, the closing song) goes on as planned."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from daemon.drivers.simulate import simulate
from daemon.model import FALLBACK, AsRunEntry, Daypart, DayPlan, ItemKind, Source, Track
from tests.factory import PlanSpec, at, fixed_script, make_plan, page
from tests.invariants import violations
from tests.vanishing import GONE, simulate_vanishing

SLOTS = fixed_script("hourly", ["11:00", "13:00", "16:00", "19:00", "21:00"])


def plan_of(**changes: object) -> DayPlan:
    return make_plan(PlanSpec(fixed=[(SLOTS, 8.0)], **changes))  # type: ignore[arg-type]


def broken(part: Daypart) -> Daypart:
    return replace(
        part, tracks=tuple(replace(t, duration=None, problem="silent") for t in part.tracks)
    )


def songs(entries: list[AsRunEntry]) -> list[AsRunEntry]:
    return [e for e in entries if e.kind is ItemKind.MUSIC and e.source is Source.PLAYLIST]


def test_a_daypart_with_nothing_playable_plays_its_neighbours_and_the_day_goes_on() -> None:
    plan = plan_of()
    plan = replace(plan, dayparts=(broken(plan.dayparts[0]), plan.dayparts[1]))
    commands = [page(plan, "12:00")]
    timeline = simulate(plan, commands)
    assert violations(plan, timeline, commands) == []
    morning = [e for e in songs(timeline) if e.start < at(plan, "14:00")]
    assert morning and all("/p1-" in e.ref for e in morning)  # the evening's list
    notices = [e for e in timeline if e.kind is ItemKind.SKIPPED and e.ref == "/pl/0.m3u8"]
    assert len(notices) == 1 and "playing daypart part1's list" in notices[0].reason
    assert len([e for e in timeline if e.kind is ItemKind.SKIPPED]) == 1 + 4  # + its 4 files
    fixed = [e for e in timeline if e.source is Source.FIXED and e.kind is ItemKind.ANNOUNCEMENT]
    assert len(fixed) == 5
    assert any(e.source is Source.CLOSING_SONG for e in timeline)


def test_music_fallback_plays_when_no_daypart_has_a_song() -> None:
    plan = plan_of()
    spare = tuple(Track(Path(f"/spare/{i}.ogg"), f"spare{i}", 200.0 + i) for i in range(5))
    plan = replace(
        plan,
        dayparts=tuple(broken(p) for p in plan.dayparts),
        fallback=Daypart(plan.opening, plan.closing, FALLBACK, Path("/pl/spare.m3u8"), spare, True),
    )
    timeline = simulate(plan)
    assert violations(plan, timeline) == []
    assert songs(timeline) and all(e.ref.startswith("/spare/") for e in songs(timeline))


def test_files_that_vanish_mid_day_cost_a_line_each_and_the_music_goes_on() -> None:
    plan = plan_of()
    evening = {str(t.path): at(plan, "16:30") for t in plan.dayparts[1].tracks}
    commands = [page(plan, "17:00"), page(plan, "20:00")]
    timeline = simulate_vanishing(plan, evening, commands)
    assert violations(plan, timeline, commands) == []
    gone = [e for e in timeline if e.kind is ItemKind.SKIPPED and e.reason == GONE]
    # one pass over the evening's four files, then one try at each boundary after its rest
    # (30 s doubling to 10 min): at most 6 an hour
    assert 4 < len(gone) <= 4 + 6 * 6
    later = [e for e in songs(timeline) if e.start >= at(plan, "16:30")]
    assert later and all("/p0-" in e.ref for e in later)  # the daytime list meanwhile
    assert (
        len([e for e in timeline if e.source is Source.PAGE and e.kind is ItemKind.ANNOUNCEMENT])
        == 2 * 1
    )
    assert any(e.source is Source.CLOSING_SONG for e in timeline)


def test_when_every_song_is_gone_the_day_retries_at_a_bounded_rate_and_still_closes() -> None:
    plan = plan_of()
    everything = {str(t.path): at(plan, "12:00") for p in plan.dayparts for t in p.tracks}
    commands = [page(plan, "15:00")]
    timeline = simulate_vanishing(plan, everything, commands)
    gone = [e for e in timeline if e.kind is ItemKind.SKIPPED and e.reason == GONE]
    # one pass of each list, then a try of each per retry (30 s doubling to 10 min)
    assert 8 <= len(gone) <= 8 + 2 * (10 * 6 + 6)
    assert [e.source for e in timeline if e.kind is ItemKind.ANNOUNCEMENT].count(Source.FIXED) == 5
    assert any(e.source is Source.PAGE and e.kind is ItemKind.ANNOUNCEMENT for e in timeline)
    assert any(e.source is Source.CLOSING_SONG for e in timeline)
