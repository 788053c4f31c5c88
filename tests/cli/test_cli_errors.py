"""The command line on bad input: every problem on stderr, exit status 2, never a traceback."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest

from daemon.__main__ import main

CONFIG = """\
[store]
name = "测试店"
timezone = "Asia/Shanghai"
opening = "10:00"
closing = "11:00"

[[music.daypart]]
name = "morning"
start = "10:00"
end = "11:00"
playlist = "playlists/morning.m3u8"

[breaks]
intro = "stings/intro.wav"
outro = "stings/outro.wav"

[library]
scripts = "scripts"
"""

FIRE = """\
id = "fire"
kind = "emergency"
title = "火警疏散"
text = "各位来宾请注意,请从最近的安全出口有序撤离。"
approved_by = "安全部 赵刚"
approved_at = 2026-10-01
"""


def wav(path: Path, seconds: float, rate: int = 8000) -> None:
    """A quiet 440 Hz tone (a silent file would be refused as dead air)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tone = 3000 * np.sin(2 * np.pi * 440 * np.arange(int(seconds * rate)) / rate)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(tone.astype("<i2").tobytes())


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


def test_the_minimal_store_simulates_and_checks(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "simulate", "--config", str(store), "--date", "2026-11-23")
    assert (status, err) == (0, "")
    items = [json.loads(line) for line in out.splitlines()]
    assert len(items) > 100  # an hour of 5-second songs
    status, out, err = run(capsys, "check", "--config", str(store), "--date", "2026-11-23")
    assert (status, err) == (0, "")
    assert "all files of the day decode and the output answers" in out


def test_broken_config_prints_every_problem(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = CONFIG.replace('"Asia/Shanghai"', '"Asia/Shangai"').replace(
        "[breaks]\n", "[breaks]\nmax_anouncements = 2\n"
    )
    store.write_text(text, encoding="utf-8")
    for command in ("simulate", "check"):
        status, out, err = run(capsys, command, "--config", str(store), "--date", "2026-11-23")
        assert (status, out) == (2, "")
        assert err.splitlines() == [
            "mall-pa: 2 problem(s) in the store's files:",
            f'  - {store}: store.timezone: expected an IANA time zone like "Asia/Shanghai", '
            'found "Asia/Shangai". did you mean "Asia/Shanghai"?',
            f'  - {store}: breaks.max_anouncements: expected a known key, found "max_anouncements".'
            ' did you mean "max_announcements"?',
        ]


def test_toml_syntax_error(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store.write_text(CONFIG.replace('opening = "10:00"', "opening = 10:00"), encoding="utf-8")
    status, _, err = run(capsys, "check", "--config", str(store))
    assert status == 2
    assert err.splitlines()[1] == (
        f"  - {store}: line 4, column 13: expected valid TOML, "
        "found Expected newline or end of document after a statement. "
        'texts need double quotes: name = "..."; times too: opening = "10:00"'
    )


def test_missing_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "mall-pa.toml"
    status, _, err = run(capsys, "check", "--config", str(missing))
    assert status == 2
    assert err.splitlines()[1] == (
        f"  - {missing}: expected a config file, found no such file. "
        "check the path (relative paths start at the config's folder)"
    )


def test_problems_of_config_scripts_and_playlist_reported_together(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (store.parent / "playlists" / "morning.m3u8").write_text("#EXTM3U\n", encoding="utf-8")
    (store.parent / "scripts" / "sale.toml").write_text(
        'id = "sale"\nkind = "campain"\ntitle = "特卖"\ntext = "特卖"\n', encoding="utf-8"
    )
    status, _, err = run(capsys, "check", "--config", str(store))
    assert status == 2
    lines = err.splitlines()
    assert lines[0] == "mall-pa: 2 problem(s) in the store's files:"
    assert lines[1].startswith(f"  - {store.parent / 'playlists' / 'morning.m3u8'}: ")
    assert lines[2] == (
        f"  - {store.parent / 'scripts' / 'sale.toml'}: kind: expected "
        '"fixed" or "campaign" or "emergency" or "all-clear", found "campain". '
        'did you mean "campaign"?'
    )


def test_bad_date_is_an_argparse_error(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["simulate", "--config", str(store), "--date", "2026-13-01"])
    assert caught.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[-1] == (
        "mall-pa simulate: error: argument --date: "
        "expected a date like 2026-11-23, found '2026-13-01'"
    )


def test_bad_events_file_names_the_line(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events = store.parent / "events.jsonl"
    events.write_text(
        '# what if\n{"at": "10:20", "type": "emergency", "script": "fire"}\n'
        '{"at": "10:21", "type": "emergency", "script": "flood"}\n',
        encoding="utf-8",
    )
    argv = ["simulate", "--config", str(store), "--date", "2026-11-23", "--events", str(events)]
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert err.splitlines() == [
        "mall-pa: 1 problem(s) in the store's files:",
        f'  - {events}: line 3.script: expected an approved emergency script (fire), found "flood".'
        ' an emergency script has kind = "emergency", approved_by and approved_at',
    ]


def test_good_events_file_plays_out(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events = store.parent / "events.jsonl"
    events.write_text(
        '{"at": "10:20", "type": "emergency", "script": "fire"}\n'
        '{"at": "10:22", "type": "emergency_clear"}\n',
        encoding="utf-8",
    )
    argv = ["simulate", "--config", str(store), "--date", "2026-11-23", "--events", str(events)]
    status, out, err = run(capsys, *argv)
    assert (status, err) == (0, "")
    assert any(json.loads(line)["kind"] == "emergency" for line in out.splitlines())


def test_missing_events_file(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = store.parent / "nope.jsonl"
    argv = ["simulate", "--config", str(store), "--date", "2026-11-23", "--events", str(missing)]
    status, _, err = run(capsys, *argv)
    assert status == 2
    assert err.splitlines()[1] == (
        f"  - {missing}: expected an events file (JSON lines), found no such file. check the path"
    )
