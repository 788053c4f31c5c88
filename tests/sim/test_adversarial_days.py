"""Random adversarial days (issue 12, item 10): floods of pages, stacked emergencies,
dayparts with nothing playable and files that vanish mid-day, all at once; the emergencies
of three presets, two of equal priority, preempt and wait for each other. Whatever comes,
the day keeps every invariant (tests/invariants.py): no dead air while open, nothing taken
lost, nothing cut but by an emergency, the slots and the closing song in their place; and
the engine never loops (tests/vanishing.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daemon.model import FALLBACK, Daypart, ScheduledCommand, Track
from tests.factory import (
    PlanSpec,
    clear,
    emergency,
    emergency_script,
    fixed_script,
    make_plan,
    page,
    random_durations,
)
from tests.invariants import violations
from tests.vanishing import simulate_vanishing

HOUR = 3600.0
PRESETS = [  # a higher one preempts; the two of priority 5 wait for each other
    emergency_script("fire", 30.0, priority=9),
    emergency_script("power", 20.0, priority=5),
    emergency_script("flood", 25.0, priority=5),
]
DAY = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 10_000),
        "broken": st.lists(st.booleans(), min_size=3, max_size=3),  # a daypart with nothing
        "vanish": st.lists(st.tuples(st.integers(0, 29), st.floats(9, 23)), max_size=30),
        "floods": st.lists(  # (from hour, every seconds, how many, urgent)
            st.tuples(st.floats(9, 22.5), st.floats(1, 120), st.integers(1, 300), st.booleans()),
            max_size=3,
        ),
        "emergencies": st.lists(  # (preset, hour, lasts seconds or never cleared)
            st.tuples(
                st.integers(0, 2), st.floats(9, 23), st.one_of(st.none(), st.floats(5, 1800))
            ),
            max_size=4,
        ),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(day=DAY)
def test_random_adversarial_days_keep_every_invariant(day: dict[str, Any]) -> None:
    seed = day["seed"]
    spec = PlanSpec(
        dayparts=[
            ("10:00", "13:00", random_durations(10, seed, 90, 330), False),
            ("13:00", "18:00", random_durations(10, seed + 1, 90, 330), True),
            ("18:00", "22:00", random_durations(10, seed + 2, 90, 330), True),
        ],
        fixed=[(fixed_script("hourly", [f"{h}:30" for h in range(10, 22)]), 9.0)],
    )
    plan = make_plan(spec)
    parts = tuple(
        replace(p, tracks=tuple(replace(t, duration=None, problem="silent") for t in p.tracks))
        if broken
        else p
        for p, broken in zip(plan.dayparts, day["broken"], strict=True)
    )
    spare = tuple(  # music.fallback, which never vanishes: silence would be a fault then
        Track(Path(f"/spare/{i}.ogg"), f"spare{i}", d)
        for i, d in enumerate(random_durations(6, seed + 3, 90, 330))
    )
    fallback = Daypart(plan.opening, plan.closing, FALLBACK, Path("/pl/spare.m3u8"), spare, True)
    plan = replace(plan, dayparts=parts, fallback=fallback)
    files = [str(t.path) for p in plan.dayparts for t in p.tracks]
    gone = {files[index]: plan.day_start + hour * HOUR for index, hour in day["vanish"]}
    commands: list[ScheduledCommand] = []
    for start, every, count, urgent in day["floods"]:
        at = plan.day_start + start * HOUR
        commands += [page(plan, at + i * every, urgent=urgent) for i in range(count)]
    for preset, hour, lasts in day["emergencies"]:
        at = plan.day_start + hour * HOUR
        commands.append(emergency(plan, at, PRESETS[preset], 12.0))
        if lasts is not None:
            commands.append(clear(plan, at + lasts, PRESETS[preset].id))
    timeline = simulate_vanishing(plan, gone, commands)
    assert violations(plan, timeline, commands) == []
