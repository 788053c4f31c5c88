"""Level by a limiter, not by a cap (issue 11, item 2): loud, quiet and peaky items all air at
their R128 target, speech 3 dB above the music, and no true peak passes -1 dBTP. Measured in
the rendered output with meters of this file (pyebur128 for loudness, FFT upsampling for the
true peak), not with the limiter's own estimator."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyebur128
import pytest

from daemon.audio.format import CHANNELS, DTYPE, RATE, Block
from daemon.audio.levels import AudioSettings
from daemon.audio.sinks import FakeSink
from daemon.catalog.media import MediaCache
from daemon.drivers.render import render
from daemon.model import AsRunEntry, FixedSlot, ItemKind
from tests.audio.tones import ToneStore, tone, write_wav
from tests.factory import PlanSpec, at, fixed_script

Rendered = tuple[list[AsRunEntry], Block, float]  # the timeline, the audio, its start
SPEC = PlanSpec(
    opening="15:00",
    closing="15:05",
    dayparts=(("15:00", "15:05", (12.0,) * 4, False),),
    intro=1.5,
    outro=1.0,
)


def loudness(block: Block) -> float:
    state = pyebur128.R128State(CHANNELS, RATE, pyebur128.MeasurementMode.MODE_I)
    state.add_frames(np.ascontiguousarray(block, DTYPE).reshape(-1), len(block))
    return float(pyebur128.get_loudness_global(state))


def true_peak_db(block: Block, piece: int = RATE // 2, margin: int = 2048) -> float:
    """dBTP by 16x FFT upsampling, piece by piece (each with `margin` frames either side, which
    are not looked at: the FFT's wrap-around disturbs only them)."""
    peak = 0.0
    for start in range(0, len(block), piece):
        lo, hi = max(0, start - margin), min(len(block), start + piece + margin)
        chunk = block[lo:hi].astype(np.float64)
        spectrum = np.fft.rfft(chunk, axis=0)
        wide = np.zeros((len(chunk) * 8 + 1, CHANNELS), complex)
        wide[: len(spectrum)] = spectrum
        up = np.fft.irfft(wide, len(chunk) * 16, axis=0) * 16
        inner = up[(start - lo) * 16 : (start - lo + min(piece, len(block) - start)) * 16]
        peak = max(peak, float(np.abs(inner).max()))
    return 20 * math.log10(peak)


def peaky(seconds: float, amp: float, seed: int, every: float = 1.0) -> Block:
    """Band-limited noise at `amp` RMS under a slow swell, with a 0.5 ms click at 0.95
    every `every` s: peaks 20-26 dB above the loudness (orchestral music, espeak's voice),
    which a gain capped by the sample peak leaves far under its target. As in recorded
    music, the hits carry a small part of the energy (5-15 %)."""
    rng = np.random.default_rng(seed)
    n = round(seconds * RATE)
    spectrum = np.fft.rfft(rng.standard_normal((n, CHANNELS)), axis=0)
    spectrum[round(len(spectrum) * 16_000 / (RATE / 2)) :] = 0
    noise = np.fft.irfft(spectrum, n, axis=0)
    noise *= amp / noise.std()
    noise *= (0.6 + 0.4 * np.sin(2 * np.pi * np.arange(n) / (3 * RATE)))[:, None]
    hit = 0.95 * np.hanning(24) * np.sin(2 * np.pi * 3000 * np.arange(24) / RATE)
    for at_ in range(RATE // 4, n - 24, round(every * RATE)):
        noise[at_ : at_ + 24] = hit[:, None]
    return noise.astype(DTYPE)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    folder = tmp_path_factory.mktemp("loudness")
    store = ToneStore(folder, SPEC)
    media = MediaCache(None)
    songs = []
    for name, samples in [
        ("loud", tone(12.0, 330.0, 0.5)),
        ("quiet", tone(12.0, 440.0, 0.02)),
        ("peaky", peaky(12.0, 0.05, 1)),
        ("very-peaky", peaky(12.0, 0.03, 2, every=2.0)),
    ]:
        write_wav(folder / f"{name}.wav", samples)
        songs.append(media.track(folder / f"{name}.wav"))
    speech_path = folder / "speech.wav"
    write_wav(speech_path, peaky(6.0, 0.06, 3, every=1.0))
    speech = media.track(speech_path)
    script = replace(fixed_script("welcome", ["15:00:30"]), audio=speech)
    plan = replace(
        store.plan,
        dayparts=(replace(store.plan.dayparts[0], tracks=tuple(songs)),),
        opening_song=None,
        closing_song=None,
        fixed=(FixedSlot(at(store.plan, "15:00:30"), script, speech.duration or 0.0),),
        fixed_early=0.0,
    )
    sink = FakeSink()
    start = at(plan, "15:00")
    timeline = render(plan, [], start, at(plan, "15:01:20"), sink, AudioSettings(), media.analysis)
    return timeline, sink.audio(), start


def windows(rendered: Rendered, kind: ItemKind) -> dict[str, Block]:
    timeline, audio, start = rendered
    out = {}
    for e in timeline:
        if e.kind is kind and e.end - e.start > 3.0:
            a, b = round((e.start - start) * RATE), round((e.end - start) * RATE)
            out[Path(e.ref).stem if kind is ItemKind.MUSIC else e.ref] = audio[a:b]
    return out


def test_every_song_airs_within_1_lu_of_the_target(rendered: Rendered) -> None:
    songs = windows(rendered, ItemKind.MUSIC)
    assert {"loud", "quiet", "peaky", "very-peaky"} <= set(songs)
    for name, block in songs.items():
        assert abs(loudness(block) - -16.0) <= 1.0, name


def test_speech_airs_3_db_above_the_music(rendered: Rendered) -> None:
    music = np.median([loudness(b) for b in windows(rendered, ItemKind.MUSIC).values()])
    (speech,) = windows(rendered, ItemKind.ANNOUNCEMENT).values()
    assert abs(loudness(speech) - music - 3.0) <= 1.0


def test_no_true_peak_passes_the_ceiling(rendered: Rendered) -> None:
    _, audio, _ = rendered
    assert true_peak_db(audio) <= -1.0 + 0.05
