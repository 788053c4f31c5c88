"""The engine's driver interface, step by step."""

from __future__ import annotations

from daemon.engine import Cut, Engine
from daemon.model import ItemKind, Page, Source
from tests.factory import make_plan


def test_silence_before_opening_then_the_opening_song() -> None:
    plan = make_plan()
    engine = Engine(plan)
    assert engine.advance(plan.day_start) is None
    assert engine.wake_at() == plan.opening
    assert engine.tick(plan.opening - 1) is None
    assert engine.tick(plan.opening) == Cut(plan.opening, 0.0)
    item = engine.advance(plan.opening)
    assert item is not None and item.source is Source.OPENING_SONG


def test_an_intro_that_fails_to_play_is_logged_and_the_break_goes_on() -> None:
    plan = make_plan()
    engine = Engine(plan)
    engine.advance(plan.day_start)
    engine.advance(plan.opening)
    assert engine.command(plan.opening + 5, Page("p1", "customer", "来宾张先生", 9.0)) is None
    intro = engine.advance(plan.opening + 60)
    assert intro is not None and intro.kind is ItemKind.INTRO
    announcement = engine.fail(plan.opening + 60.1, "decode error")
    assert announcement is not None and announcement.ref == "p1"
    skipped = engine.timeline[-1]
    assert (skipped.kind, skipped.reason, skipped.end) == (
        ItemKind.SKIPPED,
        "decode error",
        plan.opening + 60.1,
    )
    engine.fail(plan.opening + 61, "decode error")  # the page's own file fails too
    failed = engine.timeline[-1]
    assert (failed.kind, failed.ref, failed.requested_at) == (
        ItemKind.SKIPPED, "p1", plan.opening + 5,
    )  # fmt: skip  # its insert's times kept: a slot's due time tells a restart it is settled


def test_pages_outside_hours_are_refused_and_logged() -> None:
    plan = make_plan()
    engine = Engine(plan)
    assert not engine.accepts_pages(plan.opening - 1)
    assert engine.command(plan.opening - 1, Page("early", "customer", "来宾", 5.0)) is None
    assert engine.timeline[-1].reason == "outside business hours"
