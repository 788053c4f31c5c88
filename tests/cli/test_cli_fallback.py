"""A daypart with nothing playable (issue 12, item 1) on a copy of the example store: `check`
names it as a failure and says what plays instead; the day borrows that list."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from daemon.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
DAY = "2026-11-23"


def copy_store(tmp_path: Path) -> Path:
    store = tmp_path / "store"
    shutil.copytree(
        ROOT, store, ignore=shutil.ignore_patterns(".venv", ".git", ".mall-pa", "tests", "bench")
    )
    return store


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().out


def test_check_names_a_daypart_whose_files_are_gone_and_the_day_borrows_its_neighbour(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = copy_store(tmp_path)
    shutil.rmtree(store / "music" / "daytime")
    config = ["--config", str(store / "mall-pa.toml"), "--date", DAY]
    code, out = run(["check", *config], capsys)
    assert code == 1
    assert (
        f"FAIL: daypart daytime: no song of its playlist {store}/playlists/daytime.m3u8 can be "
        "played (8 entries); daypart evening's list plays instead" in out
    )
    code, out = run(["simulate", *config], capsys)
    assert code == 0
    timeline = [json.loads(line) for line in out.splitlines()]
    morning = [
        e for e in timeline
        if e["kind"] == "music" and e["source"] == "playlist" and e["start"] < f"{DAY}T14:00"
    ]  # fmt: skip
    assert morning and all("music/evening/" in e["ref"] for e in morning)
    told = [e for e in timeline if e["kind"] == "skipped" and e["ref"].endswith("daytime.m3u8")]
    assert len(told) == 1 and "playing daypart evening's list meanwhile" in told[0]["reason"]
    assert any(e["source"] == "closing_song" for e in timeline)


def test_music_fallback_plays_when_no_daypart_has_a_song(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = copy_store(tmp_path)
    (store / "music" / "evening").rename(store / "music" / "spare")
    shutil.rmtree(store / "music" / "daytime")
    spare = (store / "playlists" / "evening.m3u8").read_text(encoding="utf-8")
    (store / "playlists" / "spare.m3u8").write_text(spare.replace("/evening/", "/spare/"))
    toml = store / "mall-pa.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("[music]\n", '[music]\nfallback = "playlists/spare.m3u8"\n'))
    config = ["--config", str(toml), "--date", DAY]
    code, out = run(["check", *config], capsys)
    assert code == 1 and out.count("music.fallback (spare.m3u8) plays instead") == 2
    code, out = run(["simulate", *config], capsys)
    songs = [json.loads(line) for line in out.splitlines()]
    songs = [e for e in songs if e["kind"] == "music" and e["source"] == "playlist"]
    assert code == 0 and songs and all("music/spare/" in e["ref"] for e in songs)
