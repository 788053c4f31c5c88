"""Song separation over random whole days (issue 11, item 5), checked off the timeline.

Random shuffle and sequential dayparts (songs shared between them, artists named or not, the
opening and closing songs also in a list), with the fixed slots, campaigns, pages, urgent
pages and emergencies of `random_day`; random separation settings. Every rule of
`tests.invariants` holds, separation included (`tests.separation_invariants`), also across a
restart mid-day from the as-run log.
"""

from __future__ import annotations

import dataclasses
import itertools
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daemon.drivers.playout import Playout
from daemon.drivers.simulate import simulate
from daemon.model import (
    AsRunEntry,
    Daypart,
    DayPlan,
    ItemKind,
    Recovery,
    ScheduledCommand,
    Separation,
    Source,
)
from tests.factory import make_plan, random_durations
from tests.invariants import violations
from tests.separation_invariants import separation_violations
from tests.sim.test_whole_days import commands_for, random_day

_DAYS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def music_day(seed: int, songs: int | None, artists: int) -> tuple[DayPlan, list[ScheduledCommand]]:
    """`random_day(seed)` with random music: 1-3 dayparts, mostly shuffled, of 1-24 songs."""
    rng = random.Random(seed)
    spec, events = random_day(seed)
    cuts = sorted(rng.sample(range(11, 22), rng.randint(0, 2)))
    bounds = ["10:00", *(f"{h}:00" for h in cuts), "22:00"]
    spec = dataclasses.replace(
        spec,
        dayparts=[
            (a, b, random_durations(rng.randint(1, 24), seed + i, 90, 330), rng.random() < 0.8)
            for i, (a, b) in enumerate(itertools.pairwise(bounds))
        ],
    )
    plan = make_plan(spec)
    names = [f"Artist {i}" for i in range(rng.randint(1, 8))]
    parts: list[Daypart] = []
    for i, part in enumerate(plan.dayparts):
        tracks = [
            dataclasses.replace(t, artist=rng.choice(names) if rng.random() < 0.8 else "")
            for t in part.tracks
        ]
        if i and rng.random() < 0.4:  # songs shared with the daypart before
            tracks += rng.sample(parts[-1].tracks, min(3, len(parts[-1].tracks)))
        parts.append(dataclasses.replace(part, tracks=tuple(tracks)))
    opening, closing = plan.opening_song, plan.closing_song
    if opening is not None and rng.random() < 0.5:
        opening = rng.choice(parts[0].tracks)
    if closing is not None and rng.random() < 0.5:
        closing = rng.choice(parts[-1].tracks)
    plan = dataclasses.replace(
        plan,
        dayparts=tuple(parts),
        opening_song=opening,
        closing_song=closing,
        separation=Separation(songs, artists),
    )
    return plan, commands_for(spec, events)


_SONGS = st.one_of(st.none(), st.integers(1, 30))


@_DAYS
@given(st.integers(0, 10_000), _SONGS, st.integers(0, 5))
def test_random_days_keep_separation_and_every_other_rule(
    seed: int, songs: int | None, artists: int
) -> None:
    plan, commands = music_day(seed, songs, artists)
    assert violations(plan, simulate(plan, commands), commands) == []


@_DAYS
@given(st.integers(0, 10_000), _SONGS, st.integers(0, 5), st.floats(0.05, 0.95))
def test_a_restart_mid_day_keeps_the_separation_history(
    seed: int, songs: int | None, artists: int, when: float
) -> None:
    plan, commands = music_day(seed, songs, artists)
    crash = plan.opening + when * (plan.closing - plan.opening)
    first = Playout(plan, commands)
    first.run_until(crash)
    first.finish(crash)
    log = sorted(first.timeline, key=lambda e: e.start)
    later = [c for c in commands if c.at > crash + 5]
    second = Playout(plan, later, start=crash + 5, recovery=Recovery(tuple(log)))
    second.run_until(plan.day_end)
    second.finish(plan.day_end)
    day = sorted([*log, *second.timeline], key=lambda e: e.start)
    assert separation_violations(plan, [e for e in day if e.kind is not ItemKind.SKIPPED]) == []


def test_the_issue_evening_no_song_twice_and_the_closing_song_held_back() -> None:
    """18 songs of 7 artists shuffled 14:00-22:00, the closing song also on the list: no song
    within 9 others of its last play, and the closing song's file not from the playlist in
    the hour before it."""
    spec, events = random_day(11)
    evening_list = random_durations(18, 5)
    spec = dataclasses.replace(
        spec,
        dayparts=[
            ("10:00", "14:00", random_durations(10, 4), False),
            ("14:00", "22:00", evening_list, True),
        ],
    )
    plan = make_plan(spec)
    daytime, evening = plan.dayparts
    tracks = tuple(
        dataclasses.replace(t, artist=f"Artist {i % 7}") for i, t in enumerate(evening.tracks)
    )
    evening = dataclasses.replace(evening, tracks=tracks)
    plan = dataclasses.replace(plan, dayparts=(daytime, evening), closing_song=tracks[-1])
    commands = commands_for(spec, events)
    timeline = simulate(plan, commands)
    assert violations(plan, timeline, commands) == []
    songs = [e for e in timeline if e.kind is ItemKind.MUSIC]
    assert _fewest_between(songs) >= 9
    closing = str(tracks[-1].path)
    last = max(e.start for e in songs if e.ref == closing and e.source is Source.PLAYLIST)
    assert plan.closing_target - last >= 3600


def _fewest_between(songs: list[AsRunEntry]) -> float:
    """The fewest other songs between two plays of a song (the closing song's replays after
    a page cut it aside)."""
    seen: dict[str, int] = {}
    fewest = float("inf")
    for i, e in enumerate(songs):
        if e.ref in seen and not (e.source is Source.CLOSING_SONG and songs[i - 1].interrupted):
            fewest = min(fewest, i - seen[e.ref] - 1)
        seen[e.ref] = i
    return fewest
