"""B6 by date, over whole simulated days of a store built from files: a script approved on
24 November never airs on the 23rd and airs from the 24th on; `check` names it on the 23rd."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from daemon import approval
from daemon.__main__ import main
from daemon.catalog.load import load_catalog
from daemon.dayplan import build_day_plan, emergency_presets
from daemon.drivers.simulate import simulate
from daemon.model import ItemKind, Source
from daemon.speech.speaker import Speaker
from tests.cli.test_cli_errors import CONFIG, FIRE, wav
from tests.invariants import violations

APPROVED = date(2026, 11, 24)
SALE = """\
id = "sale"
kind = "campaign"
title = "冬季特卖"
text = "冬季特卖火热进行中。"
approved_by = "企划部 李强"
approved_at = 2026-11-24
valid_from = 2026-11-01
every_songs = 2
"""
NOTICE = """\
id = "notice"
kind = "fixed"
title = "请勿拆商品包装"
text = "请勿拆开商品包装,谢谢合作。"
approved_by = "企划部 王芳"
approved_at = 2026-11-24
slots = ["10:30"]
"""


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A one-hour store whose campaign and fixed script were approved on 24 November."""
    wav(tmp_path / "stings" / "intro.wav", 2)
    wav(tmp_path / "stings" / "outro.wav", 2)
    for name in ("a", "b", "c"):
        wav(tmp_path / "music" / f"{name}.wav", 20)
    (tmp_path / "playlists").mkdir()
    (tmp_path / "playlists" / "morning.m3u8").write_text(
        "#EXTM3U\n../music/a.wav\n../music/b.wav\n../music/c.wav\n", encoding="utf-8"
    )
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    for name, text in (("fire", FIRE), ("sale", SALE), ("notice", NOTICE)):
        (scripts / f"{name}.toml").write_text(text, encoding="utf-8")
    config = tmp_path / "mall-pa.toml"
    config.write_text(CONFIG, encoding="utf-8")
    return config


@pytest.mark.parametrize(
    ("day", "airs"),
    [(date(2026, 11, 22), False), (date(2026, 11, 23), False), (APPROVED, True),
     (date(2026, 11, 25), True)],
)  # fmt: skip
def test_a_script_approved_later_never_airs_before_its_approval_day_and_airs_from_it(
    store: Path, speaker: Speaker, day: date, airs: bool
) -> None:
    catalog = load_catalog(store)
    plan, notes = build_day_plan(catalog, day, speaker)
    timeline = simulate(plan)
    assert violations(plan, timeline, []) == []
    aired = [e for e in timeline if e.kind is ItemKind.ANNOUNCEMENT]
    campaigns = [e for e in aired if e.source is Source.CAMPAIGN and e.ref == "sale"]
    fixed = [e for e in aired if e.source is Source.FIXED and e.ref == "notice"]
    if airs:
        assert len(campaigns) > 10 and len(fixed) == 1  # every 2 songs of 20 s for an hour
        assert not any("approved_at" in n for n in notes)
    else:
        assert campaigns == fixed == []
        assert not any(e.ref in ("sale", "notice") for e in timeline)  # nor skipped
        assert {approval.note(s, day) for s in catalog.scripts if s.id != "fire"} <= set(notes)


def test_an_emergency_preset_is_never_held_back_by_its_date(store: Path, speaker: Speaker) -> None:
    fire = store.parent / "scripts" / "fire.toml"
    fire.write_text(FIRE.replace("2026-10-01", "2027-10-01"), encoding="utf-8")
    assert "fire" in emergency_presets(load_catalog(store), speaker)


def test_check_names_a_script_approved_after_the_day_checked(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--config", str(store), "--date", "2026-11-23"]) == 1
    out = capsys.readouterr().out
    fails = [line for line in out.splitlines() if line.startswith("  FAIL: ")]
    sale, notice = (store.parent / "scripts" / f"{n}.toml" for n in ("sale", "notice"))
    expected = (
        "expected a date on or before 2026-11-23, the day checked (it records when planning "
        "approved the script, B6), found 2026-11-24: {} does not air before then. an approval "
        "dated in the future is most likely a typo: set approved_at to the day planning "
        "approved it; if planning has not approved it yet, remove approved_by and approved_at "
        "until they do"
    )
    assert fails == [
        f"  FAIL: {notice}: approved_at: {expected.format('notice')}",
        f"  FAIL: {sale}: approved_at: {expected.format('sale')}"
        " (to start a campaign later, set valid_from)",
    ]
    assert "note: sale" not in out and "note: notice" not in out  # said once, as the failure
    assert "2 failure(s)" in out
    assert main(["check", "--config", str(store), "--date", "2026-11-24"]) == 0


def test_check_names_a_wrong_date_on_an_emergency_preset(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fire = store.parent / "scripts" / "fire.toml"
    fire.write_text(FIRE.replace("2026-10-01", "2027-10-01"), encoding="utf-8")
    assert main(["check", "--config", str(store), "--date", "2026-11-24"]) == 1
    [fail] = [line for line in capsys.readouterr().out.splitlines() if "FAIL" in line]
    assert f"{fire}: approved_at:" in fail
    assert "found 2027-10-01: fire stays an emergency preset, but the date is wrong" in fail
