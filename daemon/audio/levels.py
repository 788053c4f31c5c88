"""How loud each item plays: EBU R128 loudness to a target, speech a little above music.

Every file's integrated loudness is measured once (`daemon.audio.analysis`, cached by the
media cache); the mixer plays it at `target_lufs` (speech at `target_lufs +
speech_above_music_db`), never so loud that its sample peak passes `CEILING_DB`: a quiet file
with sharp peaks plays a little under target rather than clip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from daemon.audio.analysis import Analysis
from daemon.audio.format import db_to_gain

__all__ = ["CEILING_DB", "AudioSettings", "gain_db"]

CEILING_DB = -1.0  # no sample peak above this after gain


@dataclass(frozen=True, slots=True)
class AudioSettings:
    """The config's `[audio]` section, and the bed level of `[breaks]`."""

    device: str | None = None  # a playback device by name; None: the system default
    target_lufs: float = -16.0
    speech_above_music_db: float = 3.0
    master_gain_db: float = 0.0
    bed_db: float | None = None  # the intro sting under the break's speech; None: no bed

    @property
    def bed_gain(self) -> float:
        return 0.0 if self.bed_db is None else db_to_gain(self.bed_db)


def gain_db(analysis: Analysis | None, speech: bool, settings: AudioSettings) -> float:
    """The gain in dB that brings a file to its target; 0 for a file never measured."""
    if analysis is None or not math.isfinite(analysis.loudness):
        return 0.0
    target = settings.target_lufs + (settings.speech_above_music_db if speech else 0.0)
    wanted = target - analysis.loudness
    return min(wanted, CEILING_DB - analysis.peak_db)
