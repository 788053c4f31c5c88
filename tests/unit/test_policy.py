"""Priority order and campaign due rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from daemon.model import Campaign, Insert, InsertClass, Page, Script, ScriptKind, Source
from daemon.policy import CampaignBook, first, page_insert


def campaign(
    id: str,
    windows: tuple[tuple[float, float], ...] = ((0.0, 1e9),),
    every_songs: int | None = None,
    every_minutes: float | None = None,
    max_per_day: int | None = None,
) -> Campaign:
    script = Script(id, ScriptKind.CAMPAIGN, id, "x", Path("/c.toml"), approved_by="企划部",
                    approved_at=date(2026, 11, 1), every_songs=every_songs,
                    every_minutes=every_minutes, max_per_day=max_per_day)  # fmt: skip
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
