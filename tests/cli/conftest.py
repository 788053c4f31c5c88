"""The minimal store the command-line tests share (a fixture)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_cli_errors import CONFIG, FIRE, wav


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A minimal valid store; returns its config file."""
    wav(tmp_path / "stings" / "intro.wav", 2)
    wav(tmp_path / "stings" / "outro.wav", 2)
    for name in ("a", "b", "c"):
        wav(tmp_path / "music" / f"{name}.wav", 5)
    (tmp_path / "playlists").mkdir()
    (tmp_path / "playlists" / "morning.m3u8").write_text(
        "#EXTM3U\n../music/a.wav\n../music/b.wav\n../music/c.wav\n", encoding="utf-8"
    )
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "fire.toml").write_text(FIRE, encoding="utf-8")
    config = tmp_path / "mall-pa.toml"
    config.write_text(CONFIG, encoding="utf-8")
    return config
