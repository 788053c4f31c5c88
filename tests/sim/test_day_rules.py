"""Whole simulated days, one rule at a time (B3-B16), read off the timeline."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

from daemon.drivers.simulate import simulate
from daemon.model import AsRunEntry, ItemKind, ScheduledCommand, Script, ScriptKind, Source
from tests.factory import (
    PlanSpec,
    at,
    clear,
    emergency,
    emergency_script,
    fixed_script,
    make_plan,
    page,
)
from tests.invariants import violations


def aired(timeline: list[AsRunEntry]) -> list[AsRunEntry]:
    return [e for e in timeline if e.kind is not ItemKind.SKIPPED]


def run(
    spec: PlanSpec | None = None, *commands: ScheduledCommand
) -> tuple[list[AsRunEntry], object]:
    plan = make_plan(spec)
    timeline = simulate(plan, commands)
    assert violations(plan, timeline, commands) == []
    return timeline, plan


def test_opening_song_first_closing_song_last_and_silence_outside_hours() -> None:
    plan = make_plan()
    timeline = aired(simulate(plan))
    assert (timeline[0].source, timeline[0].start) == (Source.OPENING_SONG, plan.opening)
    last = timeline[-1]
    assert last.source is Source.CLOSING_SONG
    assert last.start < plan.closing <= last.end
    assert all(plan.opening <= e.start < plan.closing for e in timeline)
    songs = [e for e in timeline if e.kind is ItemKind.MUSIC]
    assert all(a.end == b.start for a, b in pairwise(songs))  # gapless


def test_sequential_daypart_plays_in_playlist_order_and_wraps() -> None:
    plan = make_plan()
    songs = [
        e.title
        for e in aired(simulate(plan))
        if e.source is Source.PLAYLIST and e.start < at(plan, "14:00")
    ]
    assert songs[:6] == ["p0-0", "p0-1", "p0-2", "p0-3", "p0-0", "p0-1"]


def test_shuffle_daypart_repeats_no_song_until_the_list_is_used_up() -> None:
    spec = PlanSpec(dayparts=[("10:00", "22:00", [200.0 + 7 * i for i in range(9)], True)])
    plan = make_plan(spec)
    songs = [e.ref for e in aired(simulate(plan)) if e.source is Source.PLAYLIST]
    for start in range(0, len(songs) - 9, 9):
        assert len(set(songs[start : start + 9])) == 9
    assert all(a != b for a, b in pairwise(songs))


def test_fixed_script_airs_at_the_first_boundary_of_its_window() -> None:
    spec = PlanSpec(fixed=[(fixed_script("no-unwrapping", ["10:30", "15:30"]), 8.0)])
    timeline, plan = run(spec)
    fixed = [e for e in timeline if e.source is Source.FIXED]
    assert [e.due_at for e in fixed] == [at(plan, "10:30"), at(plan, "15:30")]  # type: ignore[arg-type]
    for entry in fixed:
        assert entry.due_at is not None
        opens = entry.due_at - plan.fixed_early  # type: ignore[attr-defined]
        index = timeline.index(entry)
        intro, song = timeline[index - 1], timeline[index - 2]
        assert intro.kind is ItemKind.INTRO and song.kind is ItemKind.MUSIC and not song.interrupted
        assert song.start < opens <= song.end  # the first boundary from the window's opening
        assert entry.lateness == song.end - entry.due_at + intro.end - intro.start  # signed


def test_binder_order_at_one_slot_and_one_break_for_all() -> None:
    spec = PlanSpec(
        fixed=[
            (fixed_script("second", ["11:00"], order=2), 6.0),
            (fixed_script("first", ["11:00"], order=1), 6.0),
        ]
    )
    timeline, _ = run(spec)
    index = next(i for i, e in enumerate(timeline) if e.source is Source.FIXED)
    kinds = [(e.kind, e.ref) for e in timeline[index - 1 : index + 3]]
    assert kinds == [
        (ItemKind.INTRO, "/stings/intro.ogg"),
        (ItemKind.ANNOUNCEMENT, "first"),
        (ItemKind.ANNOUNCEMENT, "second"),
        (ItemKind.OUTRO, "/stings/outro.ogg"),
    ]


def test_priority_page_before_fixed_and_a_full_break_still_airs_the_slot_due() -> None:
    spec = PlanSpec(fixed=[(fixed_script("fixed", ["10:12"]), 6.0)], max_announcements=3)
    plan = replace(make_plan(spec), fixed_early=0.0)  # the slot waits for the pages' boundary
    pages = [page(plan, "10:13", id=f"p{i}") for i in range(3)]
    timeline = aired(simulate(plan, pages))
    announcements = [e for e in timeline if e.kind is ItemKind.ANNOUNCEMENT]
    assert [e.ref for e in announcements] == ["p0", "p1", "p2", "fixed"]
    first_break_end = next(e for e in timeline if e.kind is ItemKind.OUTRO).end
    assert announcements[3].end <= first_break_end  # the slot in the same break (B4)
    later = [page(plan, "10:13", id=f"q{i}") for i in range(4)]
    fourth = aired(simulate(plan, later))
    breaks = [e for e in fourth if e.kind in (ItemKind.INTRO, ItemKind.ANNOUNCEMENT)]
    assert [e.ref for e in breaks][:4] == ["/stings/intro.ogg", "q0", "q1", "q2"]
    assert breaks[4].kind is ItemKind.ANNOUNCEMENT and breaks[4].ref == "fixed"  # not q3
    assert violations(plan, simulate(plan, pages), pages) == []


def test_emergency_cuts_an_announcement_which_airs_again_in_full_after_clear() -> None:
    plan = make_plan()
    first = page(plan, "10:02", id="lost-umbrella")
    timeline = simulate(plan, [first])
    announcement = next(e for e in timeline if e.ref == "lost-umbrella")
    cut_at = announcement.start + 4.0
    commands = [first, emergency(plan, cut_at), clear(plan, cut_at + 95)]
    timeline = aired(simulate(plan, commands))
    assert violations(plan, timeline, commands) == []
    tries = [e for e in timeline if e.ref == "lost-umbrella"]
    assert [e.interrupted for e in tries] == [True, False]
    assert tries[1].end - tries[1].start == announcement.end - announcement.start
    emergencies = [e for e in timeline if e.kind is ItemKind.EMERGENCY]
    assert emergencies[0].start - commands[1].at <= plan.emergency_fade
    assert tries[1].start > emergencies[-1].end


def test_emergency_cuts_music_repeats_until_cleared_then_the_next_track_plays() -> None:
    spec = PlanSpec(alert=None)  # no alert tone to fill the wait: a short pause instead
    plan = make_plan(spec)
    fire = emergency_script("fire", repeat=30.0)
    commands = [emergency(plan, "11:00:00", fire, seconds=20.0), clear(plan, "11:02:10")]
    timeline = aired(simulate(plan, commands))
    assert violations(plan, timeline, commands) == []
    cut = next(e for e in timeline if e.interrupted)
    assert cut.kind is ItemKind.MUSIC and cut.end == at(plan, "11:00:00") + plan.emergency_fade
    messages = [e for e in timeline if e.kind is ItemKind.EMERGENCY]
    assert [round(e.start - messages[0].start) for e in messages] == [0, 21, 42, 63, 84, 105, 126]
    after = timeline[timeline.index(messages[-1]) + 1]
    assert (
        after.kind is ItemKind.MUSIC
        and after.start == messages[-1].end  # a clear lets the message on air finish
        and after.ref != cut.ref
    )


def test_emergency_outside_hours_airs_and_nothing_else_does() -> None:
    plan = make_plan()
    commands = [emergency(plan, "08:00"), clear(plan, "08:01:30"), page(plan, "09:00", id="early")]
    timeline = simulate(plan, commands)
    before = [e for e in timeline if e.start < plan.opening]
    assert {e.kind for e in before} == {ItemKind.EMERGENCY, ItemKind.SKIPPED}
    refused = next(e for e in timeline if e.ref == "early")
    assert (refused.kind, refused.reason) == (ItemKind.SKIPPED, "outside business hours")
    assert violations(plan, timeline, commands) == []


def test_urgent_page_fades_the_song_after_the_longest_wait() -> None:
    spec = PlanSpec(dayparts=[("10:00", "22:00", [600.0], False)], urgent_max_wait=45.0)
    plan = make_plan(spec)
    command = page(plan, "10:05", id="lost-child", urgent=True)
    timeline = aired(simulate(plan, [command]))
    song = next(e for e in timeline if e.interrupted)
    assert song.end == command.at + 45.0 + plan.urgent_fade
    assert timeline[timeline.index(song) + 2].ref == "lost-child"


def test_ordinary_page_waits_for_the_end_of_the_song() -> None:
    spec = PlanSpec(dayparts=[("10:00", "22:00", [600.0], False)])
    plan = make_plan(spec)
    timeline = aired(simulate(plan, [page(plan, "10:05", id="p")]))
    entry = next(e for e in timeline if e.ref == "p")
    assert not any(e.interrupted for e in timeline)
    assert entry.start == plan.opening + 60.0 + 600.0 + plan.intro.duration  # type: ignore[operator]


def test_fixed_after_the_closing_song_starts_is_reported_not_aired() -> None:
    spec = PlanSpec(fixed=[(fixed_script("late", ["21:58"]), 6.0)], closing_song=300.0)
    plan = make_plan(spec)
    timeline = simulate(plan)
    late = next(e for e in timeline if e.ref == "late")
    assert late.kind is ItemKind.SKIPPED and "closed" in late.reason


def test_campaign_every_n_songs_at_most_k_a_day_rotating_fairly() -> None:
    def campaign(id: str) -> Script:
        return Script(
            id,
            ScriptKind.CAMPAIGN,
            id,
            "活动",
            fixed_script(id, ["10:00"]).source_file,
            approved_by="企划部",
            approved_at=plan0.day,
            every_songs=2,
            max_per_day=5,
        )

    plan0 = make_plan()
    spec = PlanSpec(
        campaigns=[
            (campaign("a"), 5.0, [("10:00", "22:00")]),
            (campaign("b"), 5.0, [("10:00", "22:00")]),
        ],
        max_announcements=1,
    )
    timeline, _ = run(spec)
    campaigns = [e for e in timeline if e.source is Source.CAMPAIGN]
    assert [e.ref for e in campaigns] == ["a", "b"] * 5
    for ref in "ab":
        mine = [timeline.index(e) for e in campaigns if e.ref == ref]
        for a, b in pairwise(mine):
            assert sum(e.kind is ItemKind.MUSIC for e in timeline[a:b]) >= 2
