"""An emergency is heard at once: its message starts at its first sound (no breath before
it), and the default alert tone is audible from its first millisecond and never quiet."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from daemon.catalog.load import load_catalog
from daemon.dayplan import build_day_plan, emergency_presets
from daemon.speech import tone
from daemon.speech.audio import SPEECH_RATE, Audio, read_wav
from daemon.speech.cache import RenderCache
from daemon.speech.speaker import LEAD, Speaker

ROOT = Path(__file__).resolve().parents[2]
AUDIBLE = 10 ** (-40 / 20)
TEXT = "各位来宾请注意,商场发生紧急情况,请从最近的安全出口有序撤离。"


def onset(audio: Audio, level: float = AUDIBLE) -> float:
    """Seconds to the first sample above `level`."""
    return int(np.flatnonzero(np.abs(audio.samples) > level)[0]) / SPEECH_RATE


def test_an_emergency_message_is_audible_within_its_first_milliseconds(speaker: Speaker) -> None:
    urgent, calm = speaker.say(TEXT, lead=False), speaker.say(TEXT)
    assert urgent.path != calm.path  # cached apart
    assert onset(read_wav(calm.path)) > LEAD  # a breath first, as every announcement
    assert onset(read_wav(urgent.path)) < 0.005
    assert urgent.duration == pytest.approx(calm.duration - (onset(read_wav(calm.path))), abs=0.02)


def test_started_cuts_to_the_sample_and_fades_in_over_a_millisecond() -> None:
    samples = np.zeros(SPEECH_RATE, dtype=np.float32)
    samples[4800:] = 0.5  # silent for 0.1 s, then loud
    started = Audio(samples).started()
    assert len(started.samples) == SPEECH_RATE - 4800 + 48
    assert started.samples[0] == 0.0 and started.samples[96] == 0.5
    assert np.all(np.diff(started.samples[48:97]) > 0)  # faded in: no click
    assert started.samples[60] > AUDIBLE  # ... and heard 0.25 ms after the sound starts
    silent = Audio(np.zeros(100, dtype=np.float32))
    assert silent.started() is silent


def test_the_default_alert_tone_is_heard_at_once_and_never_quiet(tmp_path: Path) -> None:
    audio = tone.alert_tone()
    assert audio.duration == tone.SECONDS
    assert onset(audio) < 0.001
    window = SPEECH_RATE // 100  # 10 ms
    frames = audio.samples[: len(audio.samples) // window * window].reshape(-1, window)
    assert np.abs(frames).max(axis=1).min() > AUDIBLE  # no quiet 10 ms anywhere
    assert audio.peak_db() == pytest.approx(-3.0, abs=0.01)
    cache = RenderCache(tmp_path / "cache", 10_000_000)
    path = tone.default_alert(cache)
    written = path.stat().st_mtime_ns
    assert tone.default_alert(cache) == path and path.stat().st_mtime_ns >= written
    assert read_wav(path).duration == pytest.approx(tone.SECONDS, abs=1e-4)


@pytest.fixture(scope="module")
def media() -> None:
    if not (ROOT / "music" / ".generated").exists():
        pytest.fail("the example store's audio is missing: run `make media` (make test does)")


def test_the_example_presets_start_at_once_and_name_their_all_clear(
    media: None, speaker: Speaker
) -> None:
    catalog = load_catalog(ROOT / "mall-pa.toml")
    fire = emergency_presets(catalog, speaker)["fire-evacuation"]
    assert fire.audio is not None and onset(read_wav(fire.audio.path)) < 0.005
    plan, _ = build_day_plan(catalog, date(2026, 11, 23), speaker)
    clears = dict(plan.all_clears)
    assert clears["fire-evacuation"].id == "all-clear"
    assert clears["fire-evacuation"].audio is not None
    assert plan.alert is not None and plan.alert.path.name == "alert.ogg"
    assert (plan.fixed_early, plan.calm_after_emergency) == (60.0, 600.0)


def test_a_store_without_an_alert_tone_gets_the_default_one(media: None, speaker: Speaker) -> None:
    catalog = load_catalog(ROOT / "mall-pa.toml")
    config = catalog.config
    catalog = replace(catalog, config=replace(config, breaks=replace(config.breaks, alert=None)))
    plan, _ = build_day_plan(catalog, date(2026, 11, 23), speaker)
    assert plan.alert is not None and plan.alert.title == tone.TITLE
    assert plan.alert.duration == pytest.approx(tone.SECONDS, abs=1e-4)
