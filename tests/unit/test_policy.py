"""Priority order and campaign due rules: frequencies, caps, fair rotation by weight, the gap
between two campaigns, and a book restored from the as-run log choosing as the one that ran."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from daemon.inserts import InsertQueue
from daemon.model import (
    AsRunEntry,
    Campaign,
    Insert,
    InsertClass,
    ItemKind,
    Page,
    Script,
    ScriptKind,
    Source,
)
from daemon.policy import CampaignBook, first, page_insert, standing
from tests.factory import PlanSpec, campaign_script, make_plan


def campaign(
    id: str,
    windows: tuple[tuple[float, float], ...] = ((0.0, 1e9),),
    every_songs: int | None = None,
    every_minutes: float | None = None,
    max_per_day: int | None = None,
    weight: float = 1.0,
    order: int = 0,
) -> Campaign:
    script = Script(id, ScriptKind.CAMPAIGN, id, "x", Path("/c.toml"), approved_by="企划部",
                    approved_at=date(2026, 11, 1), every_songs=every_songs,
                    every_minutes=every_minutes, max_per_day=max_per_day, weight=weight,
                    order=order)  # fmt: skip
    return Campaign(script, windows, 5.0)


def test_class_order_then_arrival() -> None:
    late_urgent = page_insert(Page("u", "lost_child", "t", 5.0, urgent=True), 50.0, 0.0, 2)
    early_page = page_insert(Page("p", "customer", "t", 5.0), 10.0, 0.0, 1)
    fixed = Insert(InsertClass.FIXED, Source.FIXED, "f", "f", 5.0, seq=(0.0, 0, "f"))
    assert first([fixed, early_page, late_urgent]) is late_urgent
    assert first([fixed, early_page]) is early_page
    assert first([]) is None


def test_every_songs_and_max_per_day() -> None:
    book = CampaignBook([campaign("c", every_songs=2, max_per_day=2)], opening=0.0)
    assert book.due(10.0) == []
    book.song_ended()
    book.song_ended()
    assert [i.ref for i in book.due(20.0)] == ["c"]
    book.aired("c", 20.0)
    assert book.due(21.0) == []
    for _ in range(2):
        book.song_ended()
    book.aired("c", 30.0)
    for _ in range(5):
        book.song_ended()
    assert book.due(40.0) == []  # two a day at most


def test_every_minutes_from_opening_then_from_last_airing() -> None:
    book = CampaignBook([campaign("c", every_minutes=30.0)], opening=1000.0)
    assert book.due(1000.0 + 29 * 60) == []
    assert len(book.due(1000.0 + 30 * 60)) == 1
    book.aired("c", 3000.0)
    assert book.due(3000.0 + 29 * 60) == [] and len(book.due(3000.0 + 30 * 60)) == 1


def test_only_inside_windows_and_least_recently_aired_first() -> None:
    book = CampaignBook(
        [campaign("a", every_songs=1), campaign("b", every_songs=1, windows=((100.0, 200.0),))], 0.0
    )
    book.song_ended()
    assert [i.ref for i in book.due(50.0)] == ["a"]
    book.aired("a", 150.0)
    book.song_ended()
    due = book.due(160.0)
    assert first(due).ref == "b"  # type: ignore[union-attr]  # never aired beats aired


def refs(book: CampaignBook, now: float) -> list[str]:
    """The campaigns due at `now`, in the order they would air."""
    return [i.ref for i in sorted(book.due(now), key=lambda i: i.seq)]


def one_per_break(book: CampaignBook, breaks: int) -> Counter[str]:
    """Plays of each campaign over `breaks` boundaries, 200 s apart, one campaign a break."""
    return one_per_break_from(book, 1, breaks)


def one_per_break_from(book: CampaignBook, start: int, end: int) -> Counter[str]:
    """Plays of each campaign at boundaries `start` to `end` (at 200 s each), one a break."""
    song = 200.0
    plays: Counter[str] = Counter()
    for n in range(start, end + 1):
        book.song_ended()
        chosen = first(book.due(n * song))
        if chosen is not None:
            book.aired(chosen.ref, n * song)
            plays[chosen.ref] += 1
    return plays


def test_twice_the_weight_gets_twice_the_plays_when_breaks_are_the_bottleneck() -> None:
    book = CampaignBook(
        [campaign("light", every_songs=1), campaign("heavy", every_songs=1, weight=2.0)], 0.0
    )
    assert one_per_break(book, 300) == {"heavy": 200, "light": 100}


def test_weights_share_out_every_break_in_proportion() -> None:
    weights = {"a": 0.5, "b": 1.0, "c": 1.5, "d": 3.0}
    book = CampaignBook([campaign(k, every_songs=1, weight=w) for k, w in weights.items()], 0.0)
    plays = one_per_break(book, 600)
    for key, weight in weights.items():  # each within one play of its exact share
        assert abs(plays[key] - 600 * weight / 6.0) <= 1.0, plays


def test_a_window_opening_late_competes_from_then_on_without_a_burst() -> None:
    late = campaign("late", every_songs=1, windows=((10_000.0, 1e9),))
    book = CampaignBook([campaign("all", every_songs=1), late], 0.0)
    morning = one_per_break(book, 49)  # boundaries at 200 s .. 9800 s: late not yet on
    evening = one_per_break_from(book, 50, 99)  # from 10 000 s on: both on air
    assert morning == {"all": 49}
    assert evening == {"all": 25, "late": 25}  # not 50 to late to catch up on the morning


def test_one_asking_less_than_its_share_gets_all_it_asks() -> None:
    rare = campaign("rare", every_songs=6, weight=0.5)  # a fifth of the breaks is its share
    book = CampaignBook([campaign("a", every_songs=1), campaign("b", every_songs=1), rare], 0.0)
    plays = one_per_break(book, 300)
    assert plays["rare"] == 50 and abs(plays["a"] - plays["b"]) <= 1, plays


def test_fewest_plays_today_beats_least_recently_aired() -> None:
    book = CampaignBook([campaign("often", every_songs=1), campaign("rare", every_songs=1)], 0.0)
    for t in (10.0, 20.0, 30.0):
        book.aired("often", t)
    book.aired("rare", 40.0)
    book.song_ended()
    assert refs(book, 50.0) == ["rare", "often"]  # one play today against three


def test_equal_shares_go_to_the_least_recently_aired_then_binder_then_plan_order() -> None:
    c = [
        campaign("p", every_songs=1, order=2),
        campaign("q", every_songs=1, order=1),
        campaign("r", every_songs=1, order=1),
    ]
    book = CampaignBook(c, 0.0)
    book.song_ended()
    assert refs(book, 10.0) == ["q", "r", "p"]  # never aired: by order, then as planned
    book.aired("r", 20.0)
    book.aired("p", 30.0)
    book.aired("q", 40.0)
    book.song_ended()
    assert refs(book, 50.0) == ["r", "p", "q"]  # one play each: least recently aired first


def test_near_equal_shares_tie_despite_float_sums() -> None:
    thirds = 1 / 3 + 1 / 3 + 1 / 3  # 0.9999999999999999 in floats
    assert standing(1, thirds, 5.0)[0] == standing(1, 1.0, 9.0)[0] == 1.0
    assert standing(0, 0.0, None) == (0.0, float("-inf"))  # never aired: first


def test_a_capped_campaign_leaves_the_breaks_to_the_others_whatever_its_weight() -> None:
    book = CampaignBook(
        [
            campaign("big", every_songs=1, weight=10.0, max_per_day=5),
            campaign("small", every_songs=1),
        ],
        0.0,
    )
    assert one_per_break(book, 50) == {"big": 5, "small": 45}


def test_weight_never_makes_a_campaign_due_sooner_than_its_frequency() -> None:
    book = CampaignBook(
        [campaign("big", every_songs=3, weight=10.0), campaign("s", every_songs=1)], 0
    )
    plays = one_per_break(book, 90)
    assert plays["big"] == 30  # every third boundary: its own rate, never more


def test_the_gap_holds_every_campaign_back_after_one_starts() -> None:
    book = CampaignBook(
        [campaign("a", every_songs=1), campaign("b", every_songs=1)], 0.0, gap=300.0
    )
    book.song_ended()
    assert refs(book, 100.0) == ["a", "b"]
    book.aired("a", 100.0)
    book.song_ended()
    assert book.held(399.9) and book.due(399.9) == []  # b too: a gap between any two
    assert not book.held(400.0) and refs(book, 400.0) == ["b", "a"]


def test_no_gap_by_default() -> None:
    book = CampaignBook([campaign("a", every_songs=1), campaign("b", every_songs=1)], 0.0)
    book.song_ended()
    book.aired("a", 100.0)
    assert refs(book, 105.0) == ["b"] and not book.held(100.0)


def test_a_campaign_the_plan_no_longer_has_still_holds_the_gap_after_a_restart() -> None:
    book = CampaignBook([campaign("a", every_songs=1)], 0.0, gap=600.0)
    book.restore([AsRunEntry(50.0, 58.0, ItemKind.MUSIC, Source.PLAYLIST, "song"),
                  AsRunEntry(60.0, 65.0, ItemKind.ANNOUNCEMENT, Source.CAMPAIGN, "retired"),
                  AsRunEntry(65.0, 265.0, ItemKind.MUSIC, Source.PLAYLIST, "song")])  # fmt: skip
    assert book.due(600.0) == [] and refs(book, 660.0) == ["a"]


# -- restore: the same choices as a book that never stopped ---------------------------------

BOOK = [
    campaign("a", every_songs=2, weight=2.0, max_per_day=12),
    campaign("b", every_songs=1, order=1),
    campaign("c", every_minutes=5.0, weight=0.5),
    campaign("d", every_songs=3, windows=((2000.0, 5000.0),), weight=3.0),
]
STEPS = st.lists(st.sampled_from(["song", "break", "break2"]), max_size=80)


def run(book: CampaignBook, steps: list[str]) -> tuple[list[AsRunEntry], float]:
    """Play `steps` on `book` (a song of 100 s, a break of one or two campaigns), logging
    them as the engine would; returns the log and the instant after it."""
    log: list[AsRunEntry] = []
    now = 0.0
    for step in steps:
        if step == "song":
            log.append(AsRunEntry(now, now + 100.0, ItemKind.MUSIC, Source.PLAYLIST, "song"))
            book.song_ended()
            now += 100.0
            continue
        for _ in range(1 if step == "break" else 2):
            chosen = first(book.due(now))
            if chosen is None:
                break
            book.aired(chosen.ref, now)
            log.append(
                AsRunEntry(now, now + 5.0, ItemKind.ANNOUNCEMENT, Source.CAMPAIGN, chosen.ref)
            )
            now += 5.0
    return log, now


@settings(max_examples=150, deadline=None)
@given(before=STEPS, after=STEPS, gap=st.sampled_from([0.0, 120.0, 400.0]))
def test_a_book_restored_from_the_log_chooses_as_the_one_that_never_stopped(
    before: list[str], after: list[str], gap: float
) -> None:
    running = CampaignBook(BOOK, 0.0, gap=gap)
    log, now = run(running, before)
    restored = CampaignBook(BOOK, 0.0, gap=gap)
    restored.restore(log)
    for probe in (now, now + 60.0, now + 450.0):
        assert refs(restored, probe) == refs(running, probe)
    assert run(restored, after)[0] == run(running, after)[0]


def test_a_cut_campaign_airs_again_first_of_the_campaigns() -> None:
    spec = PlanSpec(campaigns=[(campaign_script(k, every_songs=2), 5.0, [("10:00", "22:00")])
                               for k in ("a", "b")])  # fmt: skip
    plan = make_plan(spec)
    queue = InsertQueue(plan)
    queue.song_ended()
    queue.song_ended()
    now = plan.opening + 600.0
    assert [i.ref for i in sorted(queue.due(now, False), key=lambda i: i.seq)] == ["a", "b"]
    b = next(i for i in queue.due(now, False) if i.ref == "b")
    queue.take(b, now)  # b goes on air first (say a break full of pages left a waiting) ...
    queue.requeue(b)  # ... and an emergency cuts it (B12): it waits in its old place
    queue.song_ended()
    later = now + 900.0
    waiting = sorted(queue.due(later, False), key=lambda i: (i.cls, i.seq))
    assert [i.ref for i in waiting] == ["b", "a"]  # a is further behind, b was on air
