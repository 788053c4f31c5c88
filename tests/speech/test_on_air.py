"""What airs for a script: its text spoken, or an announcer's phone recording converted."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from daemon.dayplan import on_air, script_duration
from daemon.model import Script, ScriptKind, Track
from daemon.speech.audio import SPEECH_RATE, read_wav
from daemon.speech.speaker import LEAD, SPEECH_LEVEL_DB, Speaker
from tests.speech.test_recording import recorded

SCRIPT = Script("welcome", ScriptKind.FIXED, "开门欢迎词", "欢迎光临欧洲村。", Path("/lib/w.toml"),
                approved_by="企划部", approved_at=date(2026, 11, 1))  # fmt: skip


def test_a_text_script_airs_as_its_rendered_speech(speaker: Speaker) -> None:
    aired = on_air(SCRIPT, speaker)
    assert aired.audio is not None and aired.audio.path.suffix == ".wav"
    assert script_duration(aired) == speaker.say(SCRIPT.text).duration


def test_an_iphone_recording_airs_levelled_in_place_of_the_text(
    speaker: Speaker, tmp_path: Path
) -> None:
    m4a = tmp_path / "welcome.m4a"
    m4a.write_bytes(recorded("mp4", "aac", 44_100))  # 1.5 s of voice between silences
    aired = on_air(replace(SCRIPT, recording=m4a, recorded_by="陈静"), speaker)
    assert aired.audio is not None and aired.recorded_by == "陈静"
    audio = read_wav(aired.audio.path)
    assert script_duration(aired) == pytest.approx(1.6 + 2 * LEAD, abs=0.15)
    assert audio.rms_db() == pytest.approx(SPEECH_LEVEL_DB, abs=1.0)
    assert len(audio.samples) / SPEECH_RATE == pytest.approx(script_duration(aired))


def test_a_playable_recording_airs_as_it_is(speaker: Speaker) -> None:
    track = Track(Path("/lib/welcome.ogg"), "开门欢迎词", 9.5)
    assert on_air(replace(SCRIPT, audio=track), speaker).audio is track
