"""Proof of play's counting (daemon/reports.py) and what it reads of the store.

The counts come from as-run entries alone: plays in full, cuts by an emergency (an emergency
item starts as the campaign ends), other cuts; each play on the store-local day it started.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from daemon.model import AsRunEntry, ItemKind, Source
from daemon.recurrence import local_instant
from daemon.reports import (
    CUT_TOLERANCE,
    MAX_DAYS,
    Outcome,
    campaign_plays,
    daily,
    days,
    totals,
)
from daemon.store import Store

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
DAY = date(2026, 11, 23)


def at(day: date, clock: str, zone: ZoneInfo = SHANGHAI) -> float:
    return local_instant(day, time.fromisoformat(clock), zone)


def campaign(
    start: float,
    seconds: float = 9.0,
    ref: str = "sale",
    title: str = "冬季特卖",
    interrupted: bool = False,
    reason: str = "",
) -> AsRunEntry:
    return AsRunEntry(
        start, start + seconds, ItemKind.ANNOUNCEMENT, Source.CAMPAIGN, ref, title,
        interrupted=interrupted, reason=reason,
    )  # fmt: skip


def emergency(start: float, seconds: float = 20.0) -> AsRunEntry:
    return AsRunEntry(start, start + seconds, ItemKind.EMERGENCY, Source.EMERGENCY, "fire", "火警")


def music(start: float, seconds: float = 200.0) -> AsRunEntry:
    return AsRunEntry(start, start + seconds, ItemKind.MUSIC, Source.PLAYLIST, "/m/a.ogg", "a")


def test_a_play_in_full_a_cut_by_an_emergency_and_a_cut_when_the_service_stopped() -> None:
    t = at(DAY, "11:00:00")
    cut = campaign(t + 100, 4.0, interrupted=True)
    stopped = campaign(
        t + 300, 2.5, interrupted=True, reason="the service stopped while it was on air"
    )
    entries = [
        campaign(t),
        music(t + 9),
        cut,
        emergency(cut.end),  # the engine starts the emergency as it cuts the campaign
        stopped,
    ]
    plays = campaign_plays(entries, SHANGHAI)
    assert [p.outcome for p in plays] == [Outcome.AIRED, Outcome.CUT_BY_EMERGENCY, Outcome.CUT]
    assert plays[2].reason.startswith("the service stopped") and plays[1].reason == ""
    [row] = daily(plays, DAY, DAY)
    assert (row.plays, len(row.cut_by_emergency), len(row.cut)) == (1, 1, 1)
    assert [p.start for p in row.aired] == [t]


def test_an_emergency_a_little_later_than_the_cut_is_not_what_cut_it() -> None:
    t = at(DAY, "12:00:00")
    near = campaign(t, 3.0, interrupted=True)
    far = campaign(t + 600, 3.0, interrupted=True)
    entries = [near, emergency(near.end + CUT_TOLERANCE * 0.8), far, emergency(far.end + 2.0)]
    outcomes = [p.outcome for p in campaign_plays(entries, SHANGHAI)]
    assert outcomes == [Outcome.CUT_BY_EMERGENCY, Outcome.CUT]


def test_only_campaign_announcements_count() -> None:
    t = at(DAY, "10:00:00")
    page = AsRunEntry(t, t + 5, ItemKind.ANNOUNCEMENT, Source.PAGE, "p1", "张先生")
    fixed = AsRunEntry(t + 5, t + 9, ItemKind.ANNOUNCEMENT, Source.FIXED, "welcome", "欢迎")
    skipped = AsRunEntry(t + 9, t + 9, ItemKind.SKIPPED, Source.CAMPAIGN, "sale", "冬季特卖")
    assert campaign_plays([page, fixed, skipped, music(t + 9)], SHANGHAI) == []


def test_a_play_counts_on_the_store_local_day_it_started() -> None:
    before = at(DAY, "23:59:59") + 0.9  # 15:59:59.9 UTC: still the 23rd in Shanghai
    after = at(DAY + timedelta(days=1), "00:00:00")
    plays = campaign_plays([campaign(before), campaign(after)], SHANGHAI)
    assert [p.day for p in plays] == [DAY, DAY + timedelta(days=1)]
    rows = daily(plays, DAY, DAY + timedelta(days=1))
    assert [(r.day, r.plays) for r in rows] == [(DAY, 1), (DAY + timedelta(days=1), 1)]
    assert campaign_plays([campaign(before), campaign(after)], SHANGHAI, DAY, DAY) == plays[:1]


def test_a_dst_day_in_berlin_is_one_day_of_23_hours() -> None:
    spring = date(2026, 3, 29)  # clocks go from 02:00 to 03:00
    first, last = at(spring, "00:00:30", BERLIN), at(spring, "23:59:00", BERLIN)
    assert last - first > 22 * 3600 and last - first < 23 * 3600
    plays = campaign_plays([campaign(first), campaign(last)], BERLIN)
    assert {p.day for p in plays} == {spring}
    before = at(spring - timedelta(days=1), "23:59:59", BERLIN)
    assert campaign_plays([campaign(before)], BERLIN)[0].day == spring - timedelta(days=1)


def test_every_day_of_the_range_shows_every_campaign_zeros_included() -> None:
    t = at(DAY, "15:00:00")
    log = [campaign(t, ref="a", title="甲"), campaign(t + 60, ref="b", title="乙")]
    plays = campaign_plays(log, SHANGHAI)
    rows = daily(plays, DAY - timedelta(days=2), DAY)
    assert [(r.day, r.campaign, r.plays) for r in rows] == [
        (DAY - timedelta(days=2), "a", 0), (DAY - timedelta(days=2), "b", 0),
        (DAY - timedelta(days=1), "a", 0), (DAY - timedelta(days=1), "b", 0),
        (DAY, "a", 1), (DAY, "b", 1),
    ]  # fmt: skip
    only = daily(plays, DAY, DAY, {"c": "丙", "a": "旧名"})  # asked for: c never aired, a did
    assert [(r.campaign, r.title, r.plays) for r in only] == [("a", "甲", 1), ("c", "丙", 0)]
    assert [(t.campaign, t.plays, t.days_aired) for t in totals(rows)] == [("a", 1, 1), ("b", 1, 1)]


def test_the_title_is_the_one_it_last_aired_under() -> None:
    t = at(DAY, "15:00:00")
    plays = campaign_plays([campaign(t, title="旧名"), campaign(t + 60, title="新名")], SHANGHAI)
    assert daily(plays, DAY, DAY)[0].title == "新名"


def test_days_of_a_range() -> None:
    assert days(DAY, DAY) == [DAY]
    assert len(days(date(2028, 1, 1), date(2028, 12, 31))) == MAX_DAYS  # a leap year fits
    assert days(DAY, DAY - timedelta(days=1)) == []


# -- properties over generated logs ---------------------------------------------------------

KINDS = ("music", "campaign", "page", "emergency", "skipped")
Item = tuple[str, float, bool, int]  # what, seconds, interrupted, which campaign


@st.composite
def logs(draw: st.DrawFn) -> tuple[list[AsRunEntry], float]:
    """Items laid end to end from some minutes before a Shanghai midnight, each at least a
    second long; campaigns among them, some interrupted (by the emergency after, or not)."""
    start = at(DAY, "23:00:00") + draw(st.floats(0, 3600))
    items: list[Item] = draw(
        st.lists(
            st.tuples(
                st.sampled_from(KINDS), st.floats(1.0, 400.0), st.booleans(), st.integers(0, 2)
            ),
            max_size=40,
        )
    )
    entries, t = [], start
    for what, seconds, cut, n in items:
        if what == "music":
            entries.append(music(t, seconds))
        elif what == "campaign":
            entries.append(campaign(t, seconds, ref=f"c{n}", interrupted=cut))
        elif what == "page":
            entries.append(AsRunEntry(t, t + seconds, ItemKind.ANNOUNCEMENT, Source.PAGE, "p", ""))
        elif what == "emergency":
            entries.append(emergency(t, seconds))
        else:
            entries.append(AsRunEntry(t, t, ItemKind.SKIPPED, Source.CAMPAIGN, f"c{n}", ""))
        t += seconds
    return draw(st.permutations(entries)), start


@settings(max_examples=200, deadline=None)
@given(logs())
def test_totals_equal_the_campaign_items_of_the_log(log: tuple[list[AsRunEntry], float]) -> None:
    entries, _ = log
    items = [e for e in entries if e.kind is ItemKind.ANNOUNCEMENT and e.source is Source.CAMPAIGN]
    first, last = DAY, DAY + timedelta(days=1)
    rows = daily(campaign_plays(entries, SHANGHAI), first, last)
    assert sum(r.plays for r in rows) == sum(not e.interrupted for e in items)
    cuts = sum(len(r.cut_by_emergency) + len(r.cut) for r in rows)
    assert cuts == sum(e.interrupted for e in items)
    emergency_starts = {e.start for e in entries if e.kind is ItemKind.EMERGENCY}
    by_emergency = sum(e.interrupted and e.end in emergency_starts for e in items)
    assert sum(len(r.cut_by_emergency) for r in rows) == by_emergency
    assert len(rows) == 2 * len({e.ref for e in items})  # every campaign, both days
    assert sum(t.plays for t in totals(rows)) == sum(r.plays for r in rows)


@settings(max_examples=200, deadline=None)
@given(logs())
def test_each_play_is_on_the_day_its_start_falls_in(log: tuple[list[AsRunEntry], float]) -> None:
    entries, _ = log
    midnight = at(DAY + timedelta(days=1), "00:00:00")
    for play in campaign_plays(entries, SHANGHAI):
        assert play.day == (DAY if play.start < midnight else DAY + timedelta(days=1))
    only_first = campaign_plays(entries, SHANGHAI, DAY, DAY)
    assert all(p.start < midnight for p in only_first)


# -- the store ------------------------------------------------------------------------------


def test_the_store_gives_the_campaigns_and_emergencies_of_days_and_every_campaign(
    tmp_path: Path,
) -> None:
    t = at(DAY, "11:00:00")
    with Store(tmp_path / "mall-pa.db") as store:
        store.asrun_add("2026-11-22", campaign(t - 86400, title="旧名"))
        row = store.asrun_started("2026-11-23", campaign(t, title="新名"))
        store.asrun_ended(row, t + 4, True)
        store.asrun_started("2026-11-23", emergency(t + 4))  # still on air: it counts
        store.asrun_add("2026-11-23", music(t + 30))
        store.asrun_started("2026-11-23", campaign(t + 300, ref="other"))  # on air: left out
        store.asrun_add("2026-11-24", campaign(t + 86400, ref="late"))
        got = store.campaign_asrun("2026-11-23", "2026-11-23")
        assert [(e.kind, e.ref, e.interrupted) for e in got] == [
            (ItemKind.ANNOUNCEMENT, "sale", True), (ItemKind.EMERGENCY, "fire", False),
        ]  # fmt: skip
        assert len(store.campaign_asrun("2026-11-22", "2026-11-24")) == 4
        assert store.asrun_campaigns() == {"late": "冬季特卖", "other": "冬季特卖", "sale": "新名"}
