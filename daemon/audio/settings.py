"""The audio settings (config `[audio]` and `breaks.bed_db`): plain values, no numpy.

The config loader builds them; the mixer and the drivers read them (`daemon.audio.levels`
re-exports `AudioSettings`). Importing this module loads nothing but the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AudioSettings"]


@dataclass(frozen=True, slots=True)
class AudioSettings:
    """The config's `[audio]` section, and the bed level of `[breaks]`."""

    device: str | None = None  # a playback device by name; None: the system default
    target_lufs: float = -16.0
    speech_above_music_db: float = 3.0
    master_gain_db: float = 0.0
    true_peak_dbtp: float = -1.0  # the limiter keeps every item's true peak at or below this
    bed_db: float | None = None  # the intro sting under the break's speech; None: no bed

    @property
    def bed_gain(self) -> float:
        """The bed's linear gain; 0.0 when there is no bed."""
        return 0.0 if self.bed_db is None else float(10 ** (self.bed_db / 20))
