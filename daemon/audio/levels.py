"""How loud each item plays: EBU R128 loudness to a target, speech a little above music, and
a true-peak limiter where the gain would push the peaks over the ceiling.

Every file's integrated loudness is measured once (`daemon.audio.analysis`, cached by the
media cache); the mixer plays it at `target_lufs` (speech at `target_lufs +
speech_above_music_db`), turned up by at most `MAX_BOOST_DB`. Where its peaks at that gain
could pass `true_peak_dbtp` (less any master gain above 0 dB), the item is read through a
look-ahead true-peak limiter (`daemon.audio.limiter`), so it reaches its target instead of
being turned down until its highest peak fits. `at_level(source, level)` is what every opener
gives the mixer: the file's frames at its level, limited where it has a ceiling, and never
beyond full scale (a meter's misreading, or a file changed since it was measured, is clipped
there, in the thread that decodes, so that the device callback has nothing to do to them).
`AudioSettings` lives in `daemon.audio.settings` (numpy-free, for the config loader) and is
re-exported here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from daemon.audio.analysis import Analysis
from daemon.audio.format import Block, db_to_gain
from daemon.audio.limiter import Limited, needs_limiting
from daemon.audio.settings import AudioSettings

if TYPE_CHECKING:  # the mixer imports this module
    from daemon.audio.decode import Decoder

__all__ = [
    "MAX_BOOST_DB", "TRUE_PEAK_MARGIN_DB", "UNITY", "AudioSettings", "Level", "Scaled",
    "at_level", "gain_db", "level",
]  # fmt: skip

MAX_BOOST_DB = 20.0  # a quiet file is turned up no more than this (its noise with it)
TRUE_PEAK_MARGIN_DB = 0.5  # how far a true peak may lie above the one measured: a 4x meter
# reads a peak between its phases low (libebur128: 0.26 dB at 15 kHz), the limiter's is refined


@dataclass(frozen=True, slots=True)
class Level:
    """How an item plays: its linear `gain`, and the limiter's ceiling (dBTP) if it needs one."""

    gain: float
    ceiling_db: float | None = None


UNITY = Level(1.0)  # as the file is (a test's tone, a source with nothing to level)


def gain_db(analysis: Analysis | None, speech: bool, settings: AudioSettings) -> float:
    """The gain in dB that brings a file to its target; 0 for a file never measured."""
    if analysis is None or not math.isfinite(analysis.loudness):
        return 0.0
    target = settings.target_lufs + (settings.speech_above_music_db if speech else 0.0)
    return min(target - analysis.loudness, MAX_BOOST_DB)


def level(analysis: Analysis | None, speech: bool, settings: AudioSettings) -> Level:
    """The item's gain and, where its peaks could pass the ceiling at that gain, the ceiling."""
    db = gain_db(analysis, speech, settings)
    ceiling = settings.true_peak_dbtp - max(0.0, settings.master_gain_db)
    peak = 0.0 if analysis is None else analysis.peak_db  # never measured: full scale
    limited = needs_limiting(peak + TRUE_PEAK_MARGIN_DB, db, ceiling)
    return Level(db_to_gain(db), ceiling if limited else None)


class Scaled:
    """`decoder` times `gain`, clipped to full scale (a `Source`, and `read_into` as the
    decoder's): the same frames as `decoder.read(n) * gain` wherever they are within +-1."""

    def __init__(self, decoder: Decoder, gain: float) -> None:
        self.source, self.gain = decoder, gain

    def read(self, count: int) -> Block:
        block = self.source.read(count)  # a new array: scaled in place
        self._scale(block)
        return block

    def read_into(self, out: Block) -> int:
        got = self.source.read_into(out)
        self._scale(out[:got])
        return got

    def _scale(self, block: Block) -> None:
        if self.gain != 1.0:
            np.multiply(block, self.gain, out=block)
        np.clip(block, -1.0, 1.0, out=block)  # one pass: at a decoder's 8,192 frames, half
        # the time of minimum then maximum (at a device's 480, those are the faster: mixer.py)

    def wait(self, count: int, timeout: float | None) -> bool:
        return True

    @property
    def ended(self) -> bool:
        return self.source.ended

    def close(self) -> None:
        self.source.close()


def at_level(decoder: Decoder, level: Level) -> Scaled | Limited:
    """The frames of `decoder` as they air at `level`: limited to its ceiling if it has one,
    else scaled by its gain; within +-1 either way."""
    if level.ceiling_db is None:
        return Scaled(decoder, level.gain)
    return Limited(decoder, level.gain, level.ceiling_db)
