"""An engine restored mid-day from the as-run log goes on from it, and never re-counts the day.

The log of the day up to a crash comes from a simulation that stops there; the restored
engine must agree with it about what already aired (fixed slots, campaign plays, the music)
and about what still waits (pages in their order).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from daemon.drivers.playout import Playout
from daemon.inserts import MISSED_SLOT_GRACE
from daemon.model import (
    AsRunEntry,
    Clear,
    EmergencyCall,
    ItemKind,
    Page,
    Recovery,
    Script,
    ScriptKind,
    Source,
)  # fmt: skip
from tests.factory import PlanSpec, at, emergency, emergency_script, fixed_script, make_plan


def campaign(every_songs: int, cap: int) -> Script:
    return Script(
        "c1", ScriptKind.CAMPAIGN, "c1", "活动", Path("/lib/c1.toml"),
        approved_by="企划部", approved_at=date(2026, 11, 1),
        every_songs=every_songs, max_per_day=cap,
    )  # fmt: skip


def day_until(spec: PlanSpec, clock: str) -> tuple[Playout, list[AsRunEntry]]:
    """The day simulated from midnight up to `clock`: what the as-run log held then."""
    plan = make_plan(spec)
    playout = Playout(plan)
    playout.run_until(at(plan, clock))
    playout.finish(at(plan, clock))  # the crash: the item on air is logged as cut
    return playout, sorted(playout.timeline, key=lambda e: e.start)


def restored(spec: PlanSpec, clock: str, log: list[AsRunEntry]) -> Playout:
    plan = make_plan(spec)
    playout = Playout(plan, start=at(plan, clock), recovery=Recovery(tuple(log)))
    playout.run_until(plan.day_end)
    playout.finish(plan.day_end)
    return playout


def fixed_aired(entries: list[AsRunEntry]) -> list[tuple[str, float | None]]:
    return [
        (e.ref, e.due_at)
        for e in entries
        if e.kind is ItemKind.ANNOUNCEMENT and e.source is Source.FIXED and not e.interrupted
    ]


def test_fixed_slots_that_aired_before_the_crash_do_not_air_again() -> None:
    spec = PlanSpec(fixed=[(fixed_script("f", ["11:00", "13:00", "16:00"]), 8.0)])
    _, before = day_until(spec, "14:00")
    after = restored(spec, "14:00:20", before)
    assert len(fixed_aired(before)) == 2
    again = fixed_aired(after.timeline)
    assert [due for _, due in again] == [at(make_plan(spec), "16:00")]  # only the one to come


def test_a_slot_missed_while_down_airs_late_if_recent_else_is_logged_as_missed() -> None:
    spec = PlanSpec(fixed=[(fixed_script("f", ["11:00", "12:00"]), 8.0)])
    plan = make_plan(spec)
    _, before = day_until(spec, "10:59")
    late = at(plan, "12:00") + MISSED_SLOT_GRACE - 60  # 11:00 is stale by then, 12:00 is not
    playout = Playout(plan, start=late, recovery=Recovery(tuple(before)))
    playout.run_until(plan.day_end)
    skipped = [e for e in playout.timeline if e.kind is ItemKind.SKIPPED and e.ref == "f"]
    assert [e.due_at for e in skipped] == [at(plan, "11:00")]
    assert "not running" in skipped[0].reason
    assert [due for _, due in fixed_aired(playout.timeline)] == [at(plan, "12:00")]


def test_a_second_restart_does_not_log_the_missed_slot_again() -> None:
    spec = PlanSpec(fixed=[(fixed_script("f", ["11:00", "16:00"]), 8.0)])
    plan = make_plan(spec)
    _, before = day_until(spec, "10:59")
    first = Playout(plan, start=at(plan, "14:00"), recovery=Recovery(tuple(before)))
    first.run_until(at(plan, "14:30"))
    first.finish(at(plan, "14:30"))  # down again
    log = sorted([*before, *first.timeline], key=lambda e: e.start)
    second = Playout(plan, start=at(plan, "15:00"), recovery=Recovery(tuple(log)))
    second.run_until(plan.day_end)
    everything = [*log, *second.timeline]
    missed = [e.due_at for e in everything if e.kind is ItemKind.SKIPPED and e.ref == "f"]
    assert missed == [at(plan, "11:00")]  # logged by the first restart only
    assert [due for _, due in fixed_aired(second.timeline)] == [at(plan, "16:00")]


def test_a_fixed_announcement_on_air_at_the_crash_airs_again_in_full() -> None:
    spec = PlanSpec(fixed=[(fixed_script("f", ["11:00"]), 30.0)])
    plan = make_plan(spec)
    whole, _ = day_until(spec, "23:59")
    start = next(e.start for e in whole.timeline if e.source is Source.FIXED)
    crash = start + 5  # mid-announcement
    cut_day = Playout(plan)
    cut_day.run_until(crash)
    cut_day.finish(crash)
    log = sorted(cut_day.timeline, key=lambda e: e.start)
    assert log[-1].source is Source.FIXED and log[-1].interrupted
    after = restored(spec, "11:30", log)
    assert len(fixed_aired(after.timeline)) == 1


def campaign_plays(entries: list[AsRunEntry]) -> list[AsRunEntry]:
    return [e for e in entries if e.source is Source.CAMPAIGN and e.kind is ItemKind.ANNOUNCEMENT]


def test_campaign_caps_count_the_plays_before_the_crash() -> None:
    spec = PlanSpec(campaigns=[(campaign(every_songs=2, cap=30), 6.0, [("10:00", "22:00")])])
    _, before = day_until(spec, "12:00")
    played = campaign_plays(before)
    assert 0 < len(played) < 30
    later = campaign_plays(restored(spec, "12:00:10", before).timeline)
    assert len(played) + len(later) == 30  # the cap is for the day, not for each start


def test_the_music_goes_on_after_the_last_song_that_aired() -> None:
    spec = PlanSpec()
    _, before = day_until(spec, "11:00")
    songs = [e.ref for e in before if e.kind is ItemKind.MUSIC and e.source is Source.PLAYLIST]
    after = restored(spec, "11:00:05", before)
    plan = make_plan(spec)
    order = [str(t.path) for t in plan.dayparts[0].tracks]
    first = next(e.ref for e in after.timeline if e.kind is ItemKind.MUSIC)
    assert order.index(first) == (order.index(songs[-1]) + 1) % len(order)
    assert not any(e.source is Source.OPENING_SONG for e in after.timeline)


def test_pages_wait_in_their_old_order_and_an_emergency_is_back_at_once() -> None:
    spec = PlanSpec()
    plan = make_plan(spec)
    _, before = day_until(spec, "15:00")
    pages = tuple(
        (Page(f"p{i}", "customer", "来宾张先生", 6.0), at(plan, f"14:59:{50 + i}"))
        for i in range(3)
    )
    call = emergency(plan, "15:00", emergency_script()).command
    assert isinstance(call, EmergencyCall)
    recovery = Recovery(tuple(before), pages, (call,))
    playout = Playout(plan, start=at(plan, "15:00:30"), recovery=recovery)
    assert playout.item is not None and playout.item.source is Source.EMERGENCY
    playout.run_until(at(plan, "15:01"))
    playout.command(at(plan, "15:01"), Clear())
    playout.run_until(plan.day_end)
    aired = [e.ref for e in playout.timeline if e.kind is ItemKind.ANNOUNCEMENT]
    assert aired == ["p0", "p1", "p2"]
