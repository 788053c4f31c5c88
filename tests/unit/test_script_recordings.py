"""B7 in the scripts workflow (issue 13, items 1 and 7): a trained announcer's own recording
airs instead of the text's speech; an untrained account's, a silent or an unreadable one is
refused with nothing changed; approval copies it into the library beside the script's file,
where the library loader reads it back; retiring takes both out."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
import pytest

from daemon.catalog.media import MediaCache
from daemon.catalog.scripts import load_scripts
from daemon.desk_scripts import ScriptsDesk
from daemon.views import Forbidden, Refused, Role, Unavailable, User
from tests.unit.test_scripts_workflow import CAMPAIGN, PLANNER, scripts_desk

TRAINED = User(7, "陈静", frozenset({Role.MARKETING}), trained=True)
UNTRAINED = User(8, "周敏", frozenset({Role.MARKETING}))


def wav_bytes(seconds: float, amplitude: float = 0.3, hz: float = 300, rate: int = 16000) -> bytes:
    """A tone as a 16-bit mono WAV file; amplitude 0: silence."""
    t = np.arange(int(seconds * rate)) / rate
    tone = (amplitude * 32767 * np.sin(2 * np.pi * hz * t)).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(tone.tobytes())
    return out.getvalue()


@pytest.fixture
def desk(tmp_path: Path) -> ScriptsDesk:
    return scripts_desk(tmp_path)


def test_a_trained_announcers_recording_goes_through_approval_into_the_library(
    desk: ScriptsDesk, tmp_path: Path
) -> None:
    draft = desk.save(TRAINED, CAMPAIGN, None, "")
    recorded = desk.record(TRAINED, draft.id, wav_bytes(4.0), "抽奖.wav", "")
    assert recorded.fields["recorded_by"] == "陈静" and recorded.state == "draft"
    _, script = desk.candidate(recorded.id)
    assert script.audio is not None and script.audio.duration == pytest.approx(4.0, abs=0.1)
    edited = desk.save(TRAINED, {**CAMPAIGN, "every_songs": 6}, recorded.id, "")
    assert edited.fields["audio"] == recorded.fields["audio"]  # an edit keeps the recording
    desk.submit(TRAINED, edited.id, "")
    desk.approve(PLANNER, edited.id, "")
    assert desk.library is not None
    media = MediaCache(None)
    [loaded] = load_scripts(desk.library, media.track, ["一楼"], ["evening"])
    assert (loaded.recorded_by, loaded.audio and loaded.audio.playable) == ("陈静", True)
    assert loaded.audio is not None and loaded.audio.path.name == "xmas-draw-v1.wav"
    again = desk.record(TRAINED, edited.id, wav_bytes(5.0), "again.wav", "")  # version 2
    desk.submit(TRAINED, again.id, "")
    desk.approve(PLANNER, again.id, "")
    assert sorted(p.name for p in desk.library.iterdir()) == ["xmas-draw-v2.wav", "xmas-draw.toml"]
    desk.retire(PLANNER, again.id, "")
    assert list(desk.library.iterdir()) == []


def test_untrained_silent_and_unreadable_recordings_are_refused_and_nothing_changes(
    desk: ScriptsDesk,
) -> None:
    draft = desk.save(UNTRAINED, CAMPAIGN, None, "")
    with pytest.raises(Forbidden) as refused:
        desk.record(UNTRAINED, draft.id, wav_bytes(3.0), "me.wav", "")
    assert refused.value.code == "not_trained"
    for data, code in ((wav_bytes(3.0, amplitude=0.0), "recording_silent"),
                       (b"not audio at all", "recording_not_audio"),
                       (b"", "recording_empty")):  # fmt: skip
        with pytest.raises(Refused) as bad:
            desk.record(TRAINED, draft.id, data, "x.m4a", "")
        assert (bad.value.code, bad.value.field) == (code, "audio") and bad.value.message
    assert desk.version(UNTRAINED, draft.id).fields == draft.fields


def test_a_recording_taken_off_leaves_the_text_in_the_standard_voice(
    desk: ScriptsDesk,
) -> None:
    draft = desk.save(TRAINED, CAMPAIGN, None, "")
    recorded = desk.record(TRAINED, draft.id, wav_bytes(3.0), "a.wav", "")
    plain = desk.unrecord(TRAINED, recorded.id, "")
    assert "audio" not in plain.fields and "recorded_by" not in plain.fields
    again = desk.record(TRAINED, plain.id, wav_bytes(3.0), "a.wav", "")
    reworded = desk.save(TRAINED, {**CAMPAIGN, "text": "圣诞抽奖改到二楼。"}, again.id, "")
    assert "audio" not in reworded.fields  # the recording said the old words
    sneaky = {**CAMPAIGN, "audio": "/etc/passwd", "recorded_by": "陈静"}
    assert "audio" not in desk.save(TRAINED, sneaky, plain.id, "").fields  # never from outside


def test_an_approval_that_cannot_write_the_script_leaves_no_recording_behind(
    desk: ScriptsDesk,
) -> None:
    draft = desk.save(TRAINED, CAMPAIGN, None, "")
    recorded = desk.record(TRAINED, draft.id, wav_bytes(3.0), "a.wav", "")
    desk.submit(TRAINED, recorded.id, "")
    assert desk.library is not None
    (desk.library / "xmas-draw.toml").mkdir()  # the script's file cannot be replaced
    with pytest.raises(Unavailable):
        desk.approve(PLANNER, recorded.id, "")
    assert [p.name for p in desk.library.iterdir()] == ["xmas-draw.toml"]  # no new WAV
    assert desk.version(PLANNER, recorded.id).state == "submitted"
