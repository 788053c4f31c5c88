"""`mall-pa render` and `mall-pa check` on the example store: the preview a person listens
to is what the simulation predicts, and check decodes everything and opens the output."""

from __future__ import annotations

import json
import shutil
import wave
from datetime import datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from daemon.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
CONFIG = str(ROOT / "mall-pa.toml")


def longest_silence(pcm: npt.NDArray[np.int16]) -> int:
    silent = np.concatenate([[False], np.all(pcm == 0, axis=1), [False]])
    edges = np.flatnonzero(np.diff(silent.astype(np.int8)))
    return int((edges[1::2] - edges[0::2]).max()) if len(edges) else 0


def test_render_writes_the_window_and_its_timeline_equals_the_simulation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "preview.wav"
    events = str(ROOT / "what-if.jsonl")
    day = ["--config", CONFIG, "--date", "2026-11-23", "--events", events]
    assert main(["render", *day, "--from", "15:00", "--to", "15:08", "--out", str(out)]) == 0
    assert "rendered" in capsys.readouterr().out
    with wave.open(str(out), "rb") as wav:
        assert (wav.getnchannels(), wav.getframerate(), wav.getsampwidth()) == (2, 48000, 2)
        assert wav.getnframes() == 8 * 60 * 48000
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), "<i2").reshape(-1, 2)
    rendered = [
        json.loads(line)
        for line in Path(f"{out}.timeline.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert main(["simulate", *day]) == 0
    simulated = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    lo, hi = "2026-11-23T15:00:00.000+08:00", "2026-11-23T15:08:00.000+08:00"
    in_window = [e for e in simulated if e["start"] < hi and (e["end"] > lo or e["start"] >= lo)]
    assert rendered == in_window
    assert any(e["kind"] == "emergency" for e in rendered)  # what-if.jsonl: fire at 15:02
    start = datetime.fromisoformat(lo)
    for entry in rendered:  # speech has its pauses, an emergency its gaps; songs have none
        if entry["kind"] in ("music", "intro", "outro"):
            first = max(
                0, round((datetime.fromisoformat(entry["start"]) - start).total_seconds() * 48000)
            )
            last = round((datetime.fromisoformat(entry["end"]) - start).total_seconds() * 48000)
            assert longest_silence(pcm[first:last]) < 4800, entry


def test_render_refuses_a_window_that_ends_before_it_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "p.wav"
    argv = ["render", "--config", CONFIG, "--date", "2026-11-23", "--out", str(out)]
    assert main([*argv, "--from", "15:00", "--to", "14:00"]) == 2
    assert "--to must be later than --from" in capsys.readouterr().err
    assert main([*argv, "--from", "3pm"]) == 2
    assert "expected a time like 15:00, found '3pm'" in capsys.readouterr().err
    assert not out.exists()


def test_check_fails_on_a_song_that_is_silent_and_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    shutil.copytree(
        ROOT, store, ignore=shutil.ignore_patterns(".venv", ".git", ".mall-pa", "*.wav")
    )
    song = next((store / "music" / "daytime").glob("*.ogg"))
    with wave.open(str(song.with_suffix(".wav")), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(48000)
        wav.writeframes(bytes(48000 * 4 * 5))
    song.unlink()
    playlist = store / "playlists" / "daytime.m3u8"
    text = playlist.read_text(encoding="utf-8").replace(song.name, song.with_suffix(".wav").name)
    playlist.write_text(text, encoding="utf-8")
    assert main(["check", "--config", str(store / "mall-pa.toml"), "--date", "2026-11-23"]) == 1
    out = capsys.readouterr().out
    assert (
        f"FAIL: playlist daytime.m3u8: track {store}/music/daytime/{song.stem}.wav: silent" in out
    )
    assert "output: " in out and "1 failure(s)" in out
