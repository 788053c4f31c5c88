"""Campaigns competing for the same breaks, over simulated days and a simulated week (B5).

The timeline is the oracle: `tests.campaign_invariants` re-derives from it which campaigns
were due at every instant and checks each play was due and the fairest of those due; the
week's tests count plays against each campaign's rate, cap, weekdays and weighted share.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daemon.catalog.load import load_catalog
from daemon.dayplan import build_day_plan
from daemon.drivers.playout import Playout
from daemon.drivers.simulate import simulate
from daemon.model import AsRunEntry, DayPlan, ItemKind, Recovery, ScheduledCommand, Script, Source
from daemon.speech.speaker import Speaker
from tests.campaign_invariants import campaign_violations
from tests.factory import (
    PlanSpec,
    campaign_script,
    fixed_script,
    make_plan,
    page,
    random_durations,
    runs_on,
)
from tests.invariants import violations

ROOT = Path(__file__).resolve().parents[2]
MONDAY = date(2026, 11, 23)
ALL_DAY = [("10:00", "22:00")]
Planned = tuple[Script, float, Sequence[tuple[str, str]]]


def plays(timeline: Sequence[AsRunEntry]) -> list[AsRunEntry]:
    """The campaign announcements of a timeline, in start order."""
    return [e for e in timeline if e.kind is ItemKind.ANNOUNCEMENT and e.source is Source.CAMPAIGN]


# -- random days: every play due and the fairest of those due --------------------------------


@st.composite
def planned(draw: st.DrawFn, i: int) -> Planned:
    by_songs = draw(st.booleans())
    script = campaign_script(
        f"c{i}",
        every_songs=draw(st.integers(1, 6)) if by_songs else None,
        every_minutes=None if by_songs else draw(st.sampled_from([5.0, 12.5, 20.0, 45.0])),
        max_per_day=draw(st.sampled_from([None, None, 3, 10, 40])),
        weight=draw(st.sampled_from([0.1, 0.5, 1.0, 1.0, 2.0, 3.0, 10.0])),
        order=draw(st.integers(0, 2)),
    )
    windows = draw(st.sampled_from([ALL_DAY, ALL_DAY, [("11:00", "13:30"), ("17:00", "19:00")]]))
    return script, draw(st.floats(4.0, 20.0)), windows


@st.composite
def days(draw: st.DrawFn) -> tuple[DayPlan, list[ScheduledCommand]]:
    count = draw(st.integers(2, 6))
    campaigns = [draw(planned(i)) for i in range(count)]
    seed = draw(st.integers(0, 10_000))
    spec = PlanSpec(
        dayparts=(
            ("10:00", "14:00", random_durations(12, seed, 120.0, 300.0), False),
            ("14:00", "22:00", random_durations(30, seed + 1, 120.0, 300.0), True),
        ),
        campaigns=campaigns,
        fixed=[(fixed_script("noon", ["12:00", "16:30"]), 9.0)],
        max_announcements=draw(st.integers(1, 3)),
        campaign_min_gap=draw(st.sampled_from([0.0, 0.0, 60.0, 300.0, 900.0])),
    )
    plan = make_plan(spec)
    clocks = draw(st.lists(st.integers(10 * 60, 21 * 60 + 50), max_size=8))
    commands = [page(plan, f"{m // 60:02d}:{m % 60:02d}") for m in sorted(clocks)]
    return plan, commands


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(day=days())
def test_every_play_is_due_and_the_fairest_of_those_due(
    day: tuple[DayPlan, list[ScheduledCommand]],
) -> None:
    plan, commands = day
    timeline = simulate(plan, commands)
    assert campaign_violations(plan, timeline) == []
    assert violations(plan, timeline, commands) == []


@pytest.mark.parametrize(("gap", "most"), [(0.0, 3), (30.0, 1)])
def test_with_a_gap_a_break_carries_one_campaign_however_short(gap: float, most: int) -> None:
    spec = PlanSpec(
        campaigns=[(campaign_script(k, every_songs=1), 5.0, ALL_DAY) for k in "abc"],
        campaign_min_gap=gap,  # 30 s: shorter than a song, longer than an announcement
    )
    plan = make_plan(spec)
    timeline = simulate(plan)
    per_break: Counter[int] = Counter()
    breaks = 0
    for entry in timeline:
        breaks += entry.kind is ItemKind.INTRO
        if entry.kind is ItemKind.ANNOUNCEMENT and entry.source is Source.CAMPAIGN:
            per_break[breaks] += 1
    assert max(per_break.values()) == most and len(per_break) > 100
    assert campaign_violations(plan, timeline) == []
    assert gap_kept(plan, timeline) == []


# -- a week --------------------------------------------------------------------------------

WEEKDAYS, WEEKEND = range(1, 6), (6, 7)
WEEK: list[Planned] = [
    (campaign_script("heavy", every_songs=1, weight=2.0), 8.0, ALL_DAY),
    (campaign_script("light", every_songs=1), 9.0, ALL_DAY),
    (campaign_script("capped", every_minutes=30, max_per_day=6, weight=0.5), 6.0, ALL_DAY),
    (campaign_script("lunch", every_minutes=20, max_per_day=5, weekdays=WEEKDAYS), 7.0,
     [("11:00", "13:30")]),
    (campaign_script("weekend", every_songs=2, weight=3.0, weekdays=WEEKEND), 10.0,
     [("17:00", "21:00")]),
]  # fmt: skip
"""heavy and light want every song, all day (the breaks are the bottleneck), heavy at twice
the weight; capped asks for little and is capped; lunch and weekend run on some weekdays
only, in a window of the day."""


def week_day(day: date, gap_minutes: float, max_announcements: int) -> DayPlan:
    seed = day.toordinal()
    spec = PlanSpec(
        day=day,
        dayparts=(
            ("10:00", "14:00", random_durations(10, seed, 150.0, 280.0), False),
            ("14:00", "22:00", random_durations(25, seed + 1, 150.0, 280.0), True),
        ),
        campaigns=[c for c in WEEK if runs_on(c[0], day)],
        fixed=[
            (fixed_script("welcome", ["10:05"]), 9.0),
            (fixed_script("closing", ["21:30", "21:45"]), 12.0),
        ],
        max_announcements=max_announcements,
        campaign_min_gap=gap_minutes * 60.0,
    )
    return make_plan(spec)


def week_pages(plan: DayPlan) -> list[ScheduledCommand]:
    rng = random.Random(plan.day.toordinal())
    minutes = sorted(rng.randint(10 * 60 + 10, 21 * 60 + 40) for _ in range(rng.randint(2, 9)))
    return [page(plan, f"{m // 60:02d}:{m % 60:02d}") for m in minutes]


def fair_shares(plan: DayPlan, timeline: Sequence[AsRunEntry]) -> dict[str, float]:
    """Each campaign's weighted share of the campaign plays aired while it was on air (in a
    window, under its cap): at each play, its weight over the weights of those on air then."""
    shares = {c.script.id: 0.0 for c in plan.campaigns}
    count: Counter[str] = Counter()
    for entry in plays(timeline):
        cap = {c.script.id: c.script.max_per_day for c in plan.campaigns}
        on = [
            c
            for c in plan.campaigns
            if c.eligible(entry.start) and count[c.script.id] < (cap[c.script.id] or 10**9)
        ]
        total = sum(c.script.weight for c in on)
        for c in on:
            shares[c.script.id] += c.script.weight / total
        count[entry.ref] += 1
    return shares


def most_allowed(plan: DayPlan, timeline: Sequence[AsRunEntry], script: Script) -> int:
    """The most plays its own rules allow in its windows (frequency, then cap)."""
    campaign = next(c for c in plan.campaigns if c.script is script)
    if script.every_minutes is not None:
        seconds = sum(end - start for start, end in campaign.windows)
        most = int(seconds // (script.every_minutes * 60)) + 1
    else:
        songs = sum(1 for e in timeline if e.kind is ItemKind.MUSIC and campaign.eligible(e.end))
        most = songs // (script.every_songs or 1) + 1
    return most if script.max_per_day is None else min(most, script.max_per_day)


def rate_kept(plan: DayPlan, timeline: Sequence[AsRunEntry]) -> list[str]:
    """Plays never beyond what every_songs, every_minutes, max_per_day and windows allow."""
    found = []
    songs = [e.end for e in timeline if e.kind is ItemKind.MUSIC]
    for campaign in plan.campaigns:
        script = campaign.script
        starts = [e.start for e in plays(timeline) if e.ref == script.id]
        if script.max_per_day is not None and len(starts) > script.max_per_day:
            found.append(f"{script.id}: {len(starts)} plays, over {script.max_per_day}")
        found += [f"{script.id} at {t:.0f}: outside its windows"
                  for t in starts if not campaign.eligible(t)]  # fmt: skip
        for last, t in zip([None, *starts], starts, strict=False):
            since = t - (plan.opening if last is None else last)
            if script.every_minutes is not None and since < script.every_minutes * 60:
                found.append(f"{script.id} at {t:.0f}: {since:.0f} s after its last play")
            between = sum(1 for end in songs if (last is None or end > last) and end <= t)
            if script.every_songs is not None and between < script.every_songs:
                found.append(f"{script.id} at {t:.0f}: {between} songs after its last play")
    return found


def gap_kept(plan: DayPlan, timeline: Sequence[AsRunEntry]) -> list[str]:
    starts = [e.start for e in plays(timeline)]
    return [f"campaigns at {a:.0f} and {b:.0f}: {b - a:.0f} s apart"
            for a, b in itertools.pairwise(starts)
            if b - a < plan.campaign_min_gap]  # fmt: skip


@pytest.mark.parametrize(
    ("gap_minutes", "max_announcements"),
    [(5.0, 3), (0.0, 1), (12.0, 2)],
    ids=["a 5-minute gap", "one announcement a break", "a 12-minute gap"],
)
def test_a_week_of_competing_campaigns(gap_minutes: float, max_announcements: int) -> None:
    week: Counter[str] = Counter()
    for offset in range(7):
        day = MONDAY + timedelta(days=offset)
        plan = week_day(day, gap_minutes, max_announcements)
        commands = week_pages(plan)
        timeline = simulate(plan, commands)
        assert violations(plan, timeline, commands) == []
        assert campaign_violations(plan, timeline) == []
        assert rate_kept(plan, timeline) == []
        assert gap_kept(plan, timeline) == []
        count = Counter(e.ref for e in plays(timeline))
        assert set(count) == {c.script.id for c in plan.campaigns}, day  # the weekdays kept
        shares = fair_shares(plan, timeline)
        for campaign in plan.campaigns:  # nobody starved: 90% of its share (or of all it asks)
            script = campaign.script
            floor = 0.9 * min(shares[script.id], most_allowed(plan, timeline, script)) - 1
            assert count[script.id] >= floor, (day, script.id, count, shares)
        assert 1.7 <= count["heavy"] / count["light"] <= 2.3, (day, count)  # the weights show
        assert count["capped"] == 6, (day, count)
        week += count
    assert 1.9 <= week["heavy"] / week["light"] <= 2.1, week


# -- a restart chooses as the day that never stopped -----------------------------------------


@pytest.mark.parametrize("gap", [0.0, 300.0])
def test_a_restart_at_any_boundary_airs_what_the_unbroken_day_airs(gap: float) -> None:
    spec = PlanSpec(
        dayparts=(  # in order: the music after a restart is the same, so only the books differ
            ("10:00", "14:00", (180.0, 200.0, 220.0, 240.0), False),
            ("14:00", "22:00", (190.0, 210.0, 230.0, 250.0, 205.0), False),
        ),
        campaigns=WEEK[:3],
        max_announcements=1,
        campaign_min_gap=gap,
    )
    plan = make_plan(spec)
    day = simulate(plan)
    boundaries = [e.end for e in day if e.kind is ItemKind.MUSIC][1::9]
    assert len(boundaries) > 15
    for boundary in boundaries:
        log = tuple(e for e in day if e.end <= boundary)
        playout = Playout(plan, start=boundary, recovery=Recovery(log))
        playout.run_until(plan.day_end)
        playout.finish(plan.day_end)
        after = sorted(playout.timeline, key=lambda e: e.start)
        assert after == [e for e in day if e.start >= boundary], boundary


# -- the day plan carries both settings ----------------------------------------------------


def test_the_day_plan_carries_the_gap_and_the_weights(speaker: Speaker) -> None:
    if not (ROOT / "music" / ".generated").exists():
        pytest.fail("the example store's audio is missing: run `make media` (make test does)")
    catalog = load_catalog(ROOT / "mall-pa.toml")
    plan, _ = build_day_plan(catalog, MONDAY, speaker)
    assert plan.campaign_min_gap == 0.0
    assert {c.script.weight for c in plan.campaigns} == {1.0}
    breaks = replace(catalog.config.breaks, campaign_min_gap_minutes=2.5)
    heavier = tuple(replace(s, weight=2.0) if s.id == "winter-sale" else s for s in catalog.scripts)
    catalog = replace(catalog, config=replace(catalog.config, breaks=breaks), scripts=heavier)
    plan, _ = build_day_plan(catalog, MONDAY, speaker)
    assert plan.campaign_min_gap == 150.0
    assert {c.script.id: c.script.weight for c in plan.campaigns}["winter-sale"] == 2.0
