"""A small real store for previews (tests and the fake control): two dayparts of 60-second
songs (8 kHz tones, so the files stay small), intro and outro, three zones and an approved
campaign that a new one competes with."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli_errors import FIRE, wav

__all__ = ["SALE", "make_preview_store"]

CONFIG = """\
[store]
name = "预览店"
timezone = "Asia/Shanghai"
opening = "10:00"
closing = "22:00"

[[music.daypart]]
name = "daytime"
start = "10:00"
end = "14:00"
playlist = "playlists/daytime.m3u8"

[[music.daypart]]
name = "evening"
start = "14:00"
end = "22:00"
playlist = "playlists/evening.m3u8"
order = "shuffle"

[breaks]
intro = "stings/intro.wav"
outro = "stings/outro.wav"
max_announcements = 2

[library]
scripts = "scripts"

[[zones]]
name = "一楼"

[[zones]]
name = "二楼"

[[zones]]
name = "停车场"
"""

SALE = """\
id = "winter-sale"
kind = "campaign"
title = "冬季特卖"
text = "冬季特卖,全场八折。"
approved_by = "企划部 李强"
approved_at = 2026-11-01
valid_from = 2026-11-01
valid_until = 2026-12-31
every_songs = 1
"""


def make_preview_store(folder: Path) -> Path:
    """The store in `folder`; returns its config file."""
    wav(folder / "stings" / "intro.wav", 2)
    wav(folder / "stings" / "outro.wav", 2)
    names = ("a", "b", "c", "d")
    for name in names:
        wav(folder / "music" / f"{name}.wav", 60)
    (folder / "playlists").mkdir(parents=True, exist_ok=True)
    listed = "".join(f"../music/{n}.wav\n" for n in names)
    for part in ("daytime", "evening"):
        (folder / "playlists" / f"{part}.m3u8").write_text("#EXTM3U\n" + listed, "utf-8")
    (folder / "scripts").mkdir(exist_ok=True)
    (folder / "scripts" / "fire.toml").write_text(FIRE, encoding="utf-8")
    (folder / "scripts" / "winter-sale.toml").write_text(SALE, encoding="utf-8")
    config = folder / "mall-pa.toml"
    config.write_text(CONFIG, encoding="utf-8")
    return config
