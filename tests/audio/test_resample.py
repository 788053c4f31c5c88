"""The resampler's quality: a 15 kHz tone at 44.1 kHz resampled to 48 kHz leaves no image or
other component within 90 dB of it (miniaudio's linear resampler left one 11.7 dB down), and
the audio band stays flat."""

from __future__ import annotations

import os
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest

from daemon.audio.decode import Decoder
from daemon.audio.format import RATE, Block
from daemon.audio.resample import Resampler
from tests.audio.signals import sine, write_wav

SEGMENT = 2**16  # frames analysed, from 0.2 s in (past the filter's start)


def resampled(signal: npt.NDArray[np.float64], rate: int) -> Block:
    """`signal` (mono, float) through the Resampler as a decoder's float frames would go."""
    resampler = Resampler()
    out: list[Block] = []
    for start in range(0, len(signal), 1024):
        piece = np.ascontiguousarray(signal[start : start + 1024], np.float32)[np.newaxis]
        frame = av.AudioFrame.from_ndarray(np.repeat(piece, 2, axis=0), "fltp", "stereo")
        frame.sample_rate = rate
        resampler.push(frame)
        out += resampler.pull()
    return np.concatenate(out + resampler.finish())


def spectrum(audio: Block) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Frequencies and magnitudes of the left channel (Kaiser window, sidelobes < -180 dB)."""
    part = audio[RATE // 5 : RATE // 5 + SEGMENT, 0].astype(np.float64)
    window = np.kaiser(len(part), 25.0)
    magnitude: npt.NDArray[np.float64] = np.abs(np.fft.rfft(part * window)) / (window.sum() / 2)
    freqs: npt.NDArray[np.float64] = np.fft.rfftfreq(len(part), 1 / RATE).astype(np.float64)
    return freqs, magnitude


def largest_other_db(audio: Block, tone: float) -> float:
    """The largest component more than 150 Hz from `tone`, in dB relative to the tone."""
    freqs, magnitude = spectrum(audio)
    at = int(np.argmin(np.abs(freqs - tone)))
    others = magnitude[np.abs(freqs - tone) > 150.0]
    return float(20 * np.log10(others.max() / magnitude[at]))


def test_a_15_khz_tone_leaves_no_image_within_90_db() -> None:
    audio = resampled(sine(44100, 2.0, 0.5, 15000.0), 44100)
    assert largest_other_db(audio, 15000.0) < -130.0  # measured -140; the target is -90


def test_the_same_through_the_decoder_from_a_16_bit_file(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "tone.wav", 44100, sine(44100, 2.0, 0.5, 15000.0), channels=2)
    with Decoder(path) as decoder:
        audio = decoder.read(2 * RATE)
    assert largest_other_db(audio, 15000.0) < -90.0  # 16-bit rounding is part of the file


@pytest.mark.parametrize(("tone", "within"), [(1000.0, 0.01), (15000.0, 0.01), (19000.0, 0.05)])
def test_the_audio_band_is_flat(tone: float, within: float) -> None:
    audio = resampled(sine(44100, 2.0, 0.5, tone), 44100)[RATE // 5 : RATE // 5 + SEGMENT, 0]
    rms = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64))))
    assert abs(20 * np.log10(rms / (0.5 / np.sqrt(2)))) <= within


def test_other_rates_too() -> None:
    for rate in (22050, 32000, 96000):
        audio = resampled(sine(rate, 2.0, 0.5, 9000.0), rate)
        assert abs(len(audio) - 2 * RATE) <= 1
        assert largest_other_db(audio, 9000.0) < -120.0


def test_resampling_starts_no_threads() -> None:
    """FFmpeg's filter graph would start a thread a core for each file (nothing to do for
    them: its audio filters do not thread): the decoding stays on its own thread."""
    threads = len(os.listdir("/proc/self/task"))
    resampler = Resampler()
    frame = av.AudioFrame.from_ndarray(np.zeros((2, 1024), np.float32), "fltp", "stereo")
    frame.sample_rate = 44100
    for _ in range(20):
        resampler.push(frame)
    assert resampler.pull()  # the graph is built and working
    assert len(os.listdir("/proc/self/task")) <= threads  # an earlier test's may end meanwhile
