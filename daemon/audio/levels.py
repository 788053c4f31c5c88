"""How loud each item plays: EBU R128 loudness to a target, speech a little above music.

Every file's integrated loudness is measured once (`daemon.audio.analysis`, cached by the
media cache); the mixer plays it at `target_lufs` (speech at `target_lufs +
speech_above_music_db`), never so loud that its sample peak passes `CEILING_DB`: a quiet file
with sharp peaks plays a little under target rather than clip. `AudioSettings` lives in
`daemon.audio.settings` (numpy-free, for the config loader) and is re-exported here.
"""

from __future__ import annotations

import math

from daemon.audio.analysis import Analysis
from daemon.audio.settings import AudioSettings

__all__ = ["CEILING_DB", "AudioSettings", "gain_db"]

CEILING_DB = -1.0  # no sample peak above this after gain


def gain_db(analysis: Analysis | None, speech: bool, settings: AudioSettings) -> float:
    """The gain in dB that brings a file to its target; 0 for a file never measured."""
    if analysis is None or not math.isfinite(analysis.loudness):
        return 0.0
    target = settings.target_lufs + (settings.speech_above_music_db if speech else 0.0)
    wanted = target - analysis.loudness
    return min(wanted, CEILING_DB - analysis.peak_db)
