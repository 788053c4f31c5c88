"""How loud each item plays: EBU R128 loudness to a target, speech a little above music, and
a true-peak limiter where the gain would push the peaks over the ceiling.

Every file's integrated loudness is measured once (`daemon.audio.analysis`, cached by the
media cache); the mixer plays it at `target_lufs` (speech at `target_lufs +
speech_above_music_db`), turned up by at most `MAX_BOOST_DB`. Where its peaks at that gain
could pass `true_peak_dbtp` (less any master gain above 0 dB), the item is read through a
look-ahead true-peak limiter (`daemon.audio.limiter`), so it reaches its target instead of
being turned down until its highest peak fits. `AudioSettings` lives in
`daemon.audio.settings` (numpy-free, for the config loader) and is re-exported here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from daemon.audio.analysis import Analysis
from daemon.audio.format import db_to_gain
from daemon.audio.limiter import needs_limiting
from daemon.audio.settings import AudioSettings

__all__ = ["MAX_BOOST_DB", "TRUE_PEAK_MARGIN_DB", "AudioSettings", "Level", "gain_db", "level"]

MAX_BOOST_DB = 20.0  # a quiet file is turned up no more than this (its noise with it)
TRUE_PEAK_MARGIN_DB = 3.0  # how far a true peak may lie above the sample peak measured


@dataclass(frozen=True, slots=True)
class Level:
    """How an item plays: its linear `gain`, and the limiter's ceiling (dBTP) if it needs one."""

    gain: float
    ceiling_db: float | None = None

    @property
    def limit(self) -> Level | None:
        """Itself if the item is limited, else None (what an opener is given)."""
        return self if self.ceiling_db is not None else None


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
