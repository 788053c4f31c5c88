"""The default alert tone: the attention signal before each emergency message, when the
config names none (`[breaks] alert`).

A hi-lo tone (960 and 770 Hz, three partials, a quarter second each, three times: 1.5 s),
audible from its first millisecond and with no silence inside, so that repeated while an
emergency waits for its next message it never leaves the floor quiet. It is generated with
numpy, never shipped as a file: `default_alert(cache)` writes it into the render cache once
(48 kHz mono WAV like all speech) and returns the file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from daemon.speech.audio import SPEECH_RATE, Audio
from daemon.speech.cache import RenderCache, cache_key

__all__ = ["HIGH_HZ", "LOW_HZ", "SECONDS", "TITLE", "alert_tone", "default_alert"]

TITLE = "alert tone (default)"
HIGH_HZ, LOW_HZ = 960.0, 770.0
NOTE = 0.25  # seconds of each pitch
CYCLES = 3
SECONDS = 2 * NOTE * CYCLES
PEAK = 10 ** (-3 / 20)  # -3 dBFS; the mixer levels it like any other sting
EDGE = 0.004  # raised-cosine attack and release of each note: no click, heard at once
PARTIALS = ((1, 1.0), (2, 0.3), (3, 0.15))
VERSION = "1"  # bump when the tone changes, so the cached file is made again


def alert_tone() -> Audio:
    """The tone's samples (mono float32 at SPEECH_RATE)."""
    n = round(NOTE * SPEECH_RATE)
    t = np.arange(n) / SPEECH_RATE
    edge = round(EDGE * SPEECH_RATE)
    envelope = np.ones(n)
    ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(1, edge + 1) / edge)
    envelope[:edge], envelope[-edge:] = ramp, ramp[::-1]
    notes = []
    for hz in (HIGH_HZ, LOW_HZ):
        wave = sum(a * np.sin(2 * np.pi * hz * k * t) for k, a in PARTIALS)
        notes.append(wave * envelope)
    samples = np.tile(np.concatenate(notes), CYCLES)
    samples *= PEAK / np.max(np.abs(samples))
    return Audio(samples.astype(np.float32))


def default_alert(cache: RenderCache) -> Path:
    """The default alert tone's WAV file in `cache`, written on first use."""
    key = cache_key(VERSION, "default alert tone")
    return cache.get(key) or cache.put(key, alert_tone())
