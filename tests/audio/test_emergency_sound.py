"""An emergency in the rendered output, with the real spoken message (espeak-ng) and the
default alert tone: heard within 50 ms of the command, and never 2 s quiet until the clear."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from daemon.audio.format import RATE, Block
from daemon.audio.levels import AudioSettings
from daemon.audio.sinks import FakeSink
from daemon.catalog.media import MediaCache
from daemon.drivers.render import render
from daemon.model import AsRunEntry, ItemKind, Track
from daemon.speech import tone
from daemon.speech.cache import RenderCache
from daemon.speech.speaker import Speaker
from tests.audio.tones import ToneStore
from tests.factory import PlanSpec, at, clear, emergency, emergency_script

AUDIBLE = 10 ** (-40 / 20)
QUIET = 10 ** (-50 / 20)
SPEC = PlanSpec(
    opening="15:00",
    closing="15:08",
    dayparts=(("15:00", "15:08", (40.0, 44.0), False),),
    opening_song=None,
    closing_song=None,
)
MESSAGE = "各位来宾请注意,商场发生紧急情况,请保持冷静,从最近的安全出口有序撤离。"


def rendered(
    folder: Path, speaker: Speaker, alert: bool
) -> tuple[list[AsRunEntry], Block, float, float]:
    """(timeline, audio from 15:00, the command's and the clear's seconds after 15:00)."""
    plan = ToneStore(folder, SPEC).plan
    tone_path = tone.default_alert(RenderCache(folder / "cache", 10_000_000))
    plan = replace(plan, alert=Track(tone_path, tone.TITLE, tone.SECONDS) if alert else None)
    spoken = speaker.say(MESSAGE, lead=False)
    fire = replace(
        emergency_script("fire", 30.0), audio=Track(spoken.path, "fire", spoken.duration)
    )
    asked, cleared = at(plan, "15:00:10") + 0.5037, at(plan, "15:01:40")  # mid-period
    commands = [emergency(plan, asked, fire, spoken.duration), clear(plan, cleared)]
    sink = FakeSink()
    start = at(plan, "15:00")
    timeline = render(plan, commands, start, at(plan, "15:02:30"), sink, AudioSettings(),
                      MediaCache(None).analysis)  # fmt: skip
    return (
        [replace(e, start=e.start - start) for e in timeline],
        sink.audio(),
        asked - start,
        (cleared - start),
    )


@pytest.mark.parametrize("alert", [True, False], ids=["default alert first", "message first"])
def test_heard_within_50_ms_and_never_quiet_for_2_s(
    tmp_path: Path, speaker: Speaker, alert: bool
) -> None:
    _, audio, asked, cleared = rendered(tmp_path, speaker, alert)
    first, end = round(asked * RATE), round(cleared * RATE)
    fade = round(0.02 * RATE)  # the music fades out over these; then the emergency's sound
    after = np.flatnonzero(np.abs(audio[first + fade :]).max(axis=1) > AUDIBLE)
    heard = (fade + int(after[0])) / RATE
    assert heard <= 0.050
    window = RATE // 10  # 100 ms
    span = audio[first:end]
    peaks = np.abs(span[: len(span) // window * window]).reshape(-1, window, 2).max(axis=(1, 2))
    quiet = longest_run(peaks < QUIET) * 0.1
    assert quiet < 2.0


def longest_run(flags: np.ndarray) -> int:
    padded = np.concatenate([[False], flags, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return int((edges[1::2] - edges[0::2]).max()) if len(edges) else 0


def test_each_message_is_heard_the_moment_its_alert_tone_ends(
    tmp_path: Path, speaker: Speaker
) -> None:
    timeline, audio, _, _ = rendered(tmp_path, speaker, alert=True)
    messages = [e for e in timeline if e.kind is ItemKind.EMERGENCY and e.title == "fire"]
    assert len(messages) >= 2
    for message in messages:
        begin = round(message.start * RATE)
        loud = np.flatnonzero(np.abs(audio[begin : begin + RATE]).max(axis=1) > AUDIBLE)
        assert loud[0] / RATE < 0.010
