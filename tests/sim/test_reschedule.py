"""The scripts library changes mid-day (an approval, a file edited by hand): from the next
song boundary the day follows the new schedule, and what already aired counts as aired, as
after a restart. The timeline is the oracle."""

from __future__ import annotations

from daemon.drivers.playout import Playout
from daemon.drivers.simulate import simulate
from daemon.model import (
    AsRunEntry,
    DayPlan,
    ItemKind,
    Recovery,
    Reschedule,
    ScheduledCommand,
    Source,
)
from tests.factory import PlanSpec, at, campaign_script, fixed_script, make_plan
from tests.invariants import violations

WINDOW = (("10:00", "22:00"),)
SALE = campaign_script("sale", every_songs=3, max_per_day=10)
LUNCH = campaign_script("lunch", every_songs=2)
NOTICE = fixed_script("notice", ["11:00", "15:00", "19:00"])
SECURITY = fixed_script("security", ["16:00", "20:00"], order=1)


def plan(campaigns: tuple[object, ...], fixed: tuple[object, ...]) -> DayPlan:
    spec = PlanSpec(
        campaigns=[(c, 20.0, WINDOW) for c in campaigns],  # type: ignore[misc]
        fixed=[(f, 15.0) for f in fixed],  # type: ignore[misc]
    )
    return make_plan(spec)


def announcements(timeline: list[AsRunEntry], source: Source) -> list[AsRunEntry]:
    return [e for e in timeline if e.kind is ItemKind.ANNOUNCEMENT and e.source is source]


def test_a_campaign_approved_at_noon_airs_at_the_next_boundary_its_cap_counting_the_morning() -> (
    None
):
    before = plan((SALE,), (NOTICE,))
    after = plan((SALE, LUNCH), (NOTICE, SECURITY))
    noon = at(before, "12:00")
    change = ScheduledCommand(noon, Reschedule(after.fixed, after.campaigns))
    timeline = simulate(before, [change])
    assert not violations(before, timeline, [change])
    lunch = [e.start for e in announcements(timeline, Source.CAMPAIGN) if e.ref == "lunch"]
    assert lunch and min(lunch) >= noon and min(lunch) < noon + 15 * 60  # at once, not tomorrow
    sales = [e for e in announcements(timeline, Source.CAMPAIGN) if e.ref == "sale"]
    assert len(sales) == 10  # the cap counts the plays of the morning too
    fixed = [(e.ref, e.due_at) for e in announcements(timeline, Source.FIXED)]
    assert fixed.count(("notice", at(before, "11:00"))) == 1  # aired before: not again
    assert ("security", at(before, "16:00")) in fixed and ("security", at(before, "20:00")) in fixed


def test_a_script_retired_mid_day_airs_no_more_and_nothing_past_airs_late() -> None:
    before = plan((SALE, LUNCH), (NOTICE, SECURITY))
    after = plan((SALE,), (NOTICE,))
    three = at(before, "15:30")
    change = ScheduledCommand(three, Reschedule(after.fixed, after.campaigns))
    timeline = simulate(before, [change])
    assert not [e for e in announcements(timeline, Source.CAMPAIGN) if e.ref == "lunch"
                and e.start > three + 600]  # fmt: skip
    assert not [e for e in announcements(timeline, Source.FIXED) if e.ref == "security"]
    again = plan((SALE, LUNCH), (NOTICE, SECURITY))  # and back, at 17:00: 16:00 is past
    back = ScheduledCommand(at(before, "17:00"), Reschedule(again.fixed, again.campaigns))
    timeline = simulate(before, [change, back])
    security = [e.due_at for e in announcements(timeline, Source.FIXED) if e.ref == "security"]
    assert security == [at(before, "20:00")]


def test_the_same_schedule_again_changes_nothing() -> None:
    day = plan((SALE, LUNCH), (NOTICE, SECURITY))
    same = [ScheduledCommand(at(day, t), Reschedule(day.fixed, day.campaigns))
            for t in ("10:30", "13:00", "18:45")]  # fmt: skip
    plain = [(e.kind, e.source, e.ref, e.start) for e in simulate(day)]
    again = [(e.kind, e.source, e.ref, e.start) for e in simulate(day, same)]
    assert again == plain


def test_after_a_restart_a_new_schedule_still_counts_the_plays_before_it() -> None:
    """The engine's own log starts at the restart; the counters came from the durable log."""
    before = plan((SALE,), (NOTICE,))
    after = plan((SALE, LUNCH), (NOTICE, SECURITY))
    day = simulate(before)
    boundary = next(e.end for e in day if e.kind is ItemKind.MUSIC and e.end > at(before, "13:00"))
    change = ScheduledCommand(at(before, "13:30"), Reschedule(after.fixed, after.campaigns))
    log = tuple(e for e in day if e.end <= boundary)
    playout = Playout(before, [change], start=boundary, recovery=Recovery(log))
    playout.run_until(before.day_end)
    playout.finish(before.day_end)
    timeline = [*log, *playout.timeline]
    sales = [e for e in announcements(timeline, Source.CAMPAIGN) if e.ref == "sale"]
    assert len(sales) == 10  # the cap counts the plays before the restart
    notices = [e.due_at or 0.0 for e in announcements(timeline, Source.FIXED) if e.ref == "notice"]
    assert sorted(notices) == [at(before, t) for t in ("11:00", "15:00", "19:00")]  # once each
