"""The config's `[audio]` section (optional) and `breaks.bed_db`.

[audio]
device = "USB Audio"          # a playback device by name (mall-pa check lists them)
target_lufs = -16             # every song, sting and announcement plays at this loudness
speech_above_music_db = 3     # announcements this much louder than the music
master_gain_db = 0            # the whole output, after levelling
true_peak_dbtp = -1           # no item's true peak above this (a look-ahead limiter)
"""

from __future__ import annotations

from daemon.audio.settings import AudioSettings
from daemon.catalog.fields import Fields, describe

__all__ = ["audio_settings"]


def audio_settings(root: Fields, breaks: Fields) -> AudioSettings:
    fields = root.sub("audio", required=False)
    fields.only(
        ["device", "target_lufs", "speech_above_music_db", "master_gain_db", "true_peak_dbtp"]
    )
    defaults = AudioSettings()
    device = fields.text("device", required=False)
    return AudioSettings(
        device=device,
        target_lufs=_ranged(fields, "target_lufs", defaults.target_lufs, -40, -5),
        speech_above_music_db=_ranged(
            fields, "speech_above_music_db", defaults.speech_above_music_db, 0, 12
        ),
        master_gain_db=_ranged(fields, "master_gain_db", defaults.master_gain_db, -60, 6),
        true_peak_dbtp=_ranged(fields, "true_peak_dbtp", defaults.true_peak_dbtp, -9, 0),
        bed_db=_bed(breaks),
    )


def _bed(breaks: Fields) -> float | None:
    if "bed_db" not in breaks.table:
        return None
    return _ranged(breaks, "bed_db", -18.0, -40, -3, "the intro sting under the speech, e.g. -18")


def _ranged(
    fields: Fields, key: str, default: float, low: float, high: float, hint: str = ""
) -> float:
    value = fields.table.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        fields.problem(
            key, f"a number from {low:g} to {high:g}", describe(value),
            hint or f"leave it out for the default, {default:g}",
        )  # fmt: skip
        return default
    return float(value)
