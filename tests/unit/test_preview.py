"""Preview by simulation (issue 13, item 3): what the preview says a script will air is
what the store airs once it is approved, and the typical pages are the store's."""

from __future__ import annotations

import contextlib
import os
import signal
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from daemon.catalog.load import load_catalog
from daemon.dayplan import build_day_plan
from daemon.drivers.simulate import simulate
from daemon.library import approved_fields, check_script, script_text
from daemon.model import ItemKind, Script, Source
from daemon.preview import MAX_DAYS, OPEN_ENDED_DAYS, TypicalPages, asked
from daemon.previewer import Previewer, PreviewFailed
from daemon.speech.speaker import Speaker
from tests.factory import PlanSpec, campaign_script, fixed_script, make_plan
from tests.preview_store import make_preview_store

DAY = date(2026, 11, 28)  # a Saturday
NAMES = (("一楼", "二楼", "停车场"), ("daytime", "evening"))
PAGES = TypicalPages.from_history([], 14)


def script(**fields: object) -> Script:
    base = {"id": "draw", "kind": "campaign", "title": "抽奖", "text": "购物满三百元即可抽奖。"}
    made, problems = check_script({**base, **fields}, *NAMES)
    assert made is not None, problems
    return made


def test_what_the_preview_says_is_what_the_store_airs_once_it_is_approved(
    tmp_path: Path, speaker: Speaker
) -> None:
    config = make_preview_store(tmp_path / "store")
    candidate = script(every_songs=2, dayparts=["evening"], max_per_day=60, valid_until=str(DAY))
    catalog = load_catalog(config)
    preview = Previewer(lambda: catalog, tmp_path / "previews")
    [day] = preview.days(candidate, DAY, PAGES).days
    # approve it as the desk does: its file in the library, then the day planned from disk
    fields = approved_fields({"id": "draw", "kind": "campaign", "title": "抽奖",
                              "text": "购物满三百元即可抽奖。", "every_songs": 2,
                              "dayparts": ["evening"], "max_per_day": 60,
                              "valid_until": str(DAY)}, "企划部", DAY)  # fmt: skip
    (config.parent / "scripts" / "draw.toml").write_text(script_text(fields), encoding="utf-8")
    plan, _ = build_day_plan(load_catalog(config), DAY, speaker)
    aired = simulate(plan, PAGES.commands(plan))
    plays = [e.start for e in aired if e.kind is ItemKind.ANNOUNCEMENT and e.ref == "draw"]
    assert day.airs == len(plays) > 0 and day.times == tuple(plays)
    assert day.asked == 60 and day.held == "full"
    sale = sum(e.ref == "winter-sale" and e.source is Source.CAMPAIGN for e in aired)
    [loss] = day.losses
    assert (loss.script_id, loss.with_it) == ("winter-sale", sale) and loss.without > sale


def test_a_new_version_replaces_the_approved_one_and_loses_nothing_to_itself(
    tmp_path: Path, speaker: Speaker
) -> None:
    config = make_preview_store(tmp_path / "store")
    calmer = script(id="winter-sale", title="冬季特卖", every_songs=4, valid_until="2026-11-29")
    preview = Previewer(lambda: load_catalog(config), tmp_path / "previews")
    days = preview.days(calmer, DAY, PAGES).days
    assert [d.day for d in days] == [DAY, date(2026, 11, 29)]
    assert all(d.held == "full" and d.losses == () for d in days)
    assert all(d.airs < 200 for d in days)  # every 4th song of 720, not after every one


def test_the_range_is_bounded_and_an_open_ended_one_shows_four_weeks(
    tmp_path: Path, speaker: Speaker
) -> None:
    config = make_preview_store(tmp_path / "store")
    preview = Previewer(lambda: load_catalog(config), tmp_path / "previews")
    weekly = script(every_songs=50, weekdays=["wed"])
    shown = preview.days(weekly, DAY, PAGES)
    assert len(shown.days) == OPEN_ENDED_DAYS and shown.more_days == 0
    assert {d.day.isoweekday() for d in shown.days if d.held != "off"} == {3}
    assert all(d.note.startswith("周") for d in shown.days if d.held == "off")
    long = script(every_songs=50, weekdays=["wed"], valid_until="2027-06-30")
    assert preview.days(long, DAY, PAGES).more_days == (date(2027, 6, 30) - DAY).days + 1 - MAX_DAYS


def test_what_a_script_asks_for_counts_its_frequency_over_its_windows_capped() -> None:
    every = campaign_script("every", every_minutes=30)
    capped = campaign_script("capped", every_minutes=30, max_per_day=5)
    campaigns = [(every, 10.0, (("10:00", "14:00"),)), (capped, 10.0, (("10:00", "22:00"),))]
    notice = fixed_script("notice", ["11:00", "15:00"])
    spec = PlanSpec(campaigns=campaigns, fixed=[(notice, 10.0)])
    plan = make_plan(spec)
    songs = [e for e in simulate(plan) if e.kind is ItemKind.MUSIC]
    assert asked(every, plan, songs) == 8  # four hours, every half hour
    assert asked(capped, plan, songs) == 5
    assert asked(notice, plan, songs) == 2
    assert asked(campaign_script("absent", every_songs=2), plan, songs) == 0


@given(
    st.lists(st.tuples(st.floats(0, 86399.999), st.floats(1, 120)), min_size=1, max_size=300),
    st.integers(1, 30),
)
def test_typical_pages_are_the_history_per_day_hour_by_hour(
    history: list[tuple[float, float]], days: int
) -> None:
    pages = TypicalPages.from_history(history, days)
    assert len(pages.per_hour) == 24 and all(n >= 0 for n in pages.per_hour)
    for hour, count in enumerate(pages.per_hour):
        there = sum(int(at // 3600) == hour for at, _ in history)
        assert abs(count - there / days) <= 0.5
    assert min(s for _, s in history) <= pages.seconds <= max(s for _, s in history)
    plan = make_plan()
    commands = pages.commands(plan)
    assert all(plan.opening <= c.at < plan.closing for c in commands)
    assert len({c.command.id for c in commands}) == len(commands)  # type: ignore[union-attr]


def test_with_no_history_the_pages_are_a_stated_default() -> None:
    pages = TypicalPages.from_history([], 14)
    assert pages.per_hour[9] == 0 and pages.per_hour[10] == 2 and sum(pages.per_hour) == 24
    assert "没有找人广播记录" in pages.basis


def test_a_preview_process_that_dies_is_told_and_the_next_preview_starts_another(
    tmp_path: Path,
) -> None:
    config = make_preview_store(tmp_path / "store")
    catalog = load_catalog(config)
    previewer = Previewer(lambda: catalog, tmp_path / "previews")
    one_day = script(every_songs=3, valid_from=str(DAY), valid_until=str(DAY))
    others = set(children())  # the other tests' preview processes, idle
    try:
        assert previewer.days(one_day, DAY, PAGES).days[0].airs > 0
        workers = set(children()) - others
        assert len(workers) == 1
        for child in workers:
            os.kill(child, signal.SIGKILL)  # out of memory, say
        other = script(every_songs=4, valid_from=str(DAY), valid_until=str(DAY))
        with pytest.raises(PreviewFailed):
            previewer.days(other, DAY, PAGES)
        assert previewer.days(other, DAY, PAGES).days[0].airs > 0  # a new process
    finally:
        previewer.close()


def children() -> list[int]:
    """The worker processes multiprocessing started for this one (from /proc; not its
    resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                worker = b"spawn_main" in (entry / "cmdline").read_bytes()
                if int(fields[1]) == os.getpid() and worker:
                    found.append(int(entry.name))
    return found
