"""Speech audio's resampling to the house rate: the same sound, and memory in proportion."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import daemon.speech.audio as speech_audio
from daemon.speech.audio import SPEECH_RATE, resample


def tone(seconds: float, rate: int, hz: float = 1000.0) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


@pytest.mark.parametrize("rate", [16_000, 22_050, 44_100])
def test_a_tone_keeps_its_length_and_pitch(rate: int) -> None:
    out = resample(tone(3.0, rate), rate)
    assert out.dtype == np.float32
    assert abs(len(out) - 3 * SPEECH_RATE) <= 2
    spectrum = np.abs(np.fft.rfft(out[SPEECH_RATE : 2 * SPEECH_RATE]))
    assert int(np.argmax(spectrum)) == 1000  # one second: a bin a hertz


def test_the_frames_handed_to_swresample_do_not_change_the_output(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    samples = (np.random.default_rng(7).standard_normal(22_050 * 5) * 0.1).astype(np.float32)
    framed = resample(samples, 22_050)
    monkeypatch.setattr(speech_audio, "RESAMPLE_FRAME", len(samples))  # all in one frame
    whole = resample(samples, 22_050)
    np.testing.assert_array_equal(framed, whole)


PEAK_OVER_OUTPUT = """
import numpy as np
from daemon.speech.audio import resample
def hwm():
    status = open("/proc/self/status").read()
    return int(status.split("VmHWM:")[1].split()[0]) * 1024
samples = (np.random.default_rng(1).standard_normal(22_050 * 120) * 0.1).astype(np.float32)
np.ones(48_000 * 120, np.float32)  # the output's size, touched once: the heap has room
before = hwm()
out = resample(samples, 22_050)
print((hwm() - before) / out.nbytes)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_resampling_a_long_clip_takes_memory_in_proportion_to_its_output() -> None:
    """Two minutes of speech in one frame took 8x the output (173 MB) at its peak."""
    ran = subprocess.run(
        [sys.executable, "-c", PEAK_OVER_OUTPUT], capture_output=True, text=True, check=True
    )
    assert float(ran.stdout) < 2.5
