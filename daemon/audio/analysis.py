"""One pass over a media file, as the mixer will play it: length, loudness, true peak, cue
points and dead air.

Contract: `analyse(path)` decodes the file block by block with `Decoder` (never the whole song
in memory) and returns its `Analysis`, or raises `MediaError` when the file cannot be opened or
breaks mid-way. Loudness is integrated loudness after ITU-R BS.1770 / EBU R128 (pyebur128), in
LUFS, -inf when everything is gated out; the true peak after BS.1770-4 Annex 2 (4x oversampled,
libebur128), which decides whether the item needs the limiter at its gain. The cue points are
where the sound begins and ends: `lead` frames before the first sample above `CUE_DB`, `trail`
frames after the last one (a song's silent head and tail, which never air; a natural fade
stays, down to `CUE_DB`). Dead air is a stretch of consecutive 100 ms windows whose RMS over
both channels is below `BLANK_DB`; `blank_from` is where the first such stretch longer than
`BLANK_SECONDS` starts (at the end of the file too), else None.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyebur128

from daemon.audio.decode import Decoder
from daemon.audio.format import CHANNELS, RATE, Block

__all__ = ["BLANK_DB", "BLANK_SECONDS", "CUE_DB", "CUE_MIN", "SILENT_LUFS", "Analysis", "analyse"]

BLANK_SECONDS = 15.0  # dead air longer than this is cut off (or the file refused)
BLANK_DB = -50.0  # RMS of a 100 ms window below this is dead air
SILENT_LUFS = -70.0  # a file quieter than this as a whole is silent
CUE_DB = -50.0  # a song's sound begins at its first sample above this, ends after its last
CUE_MIN = RATE // 10  # frames: a head or tail of near-silence shorter than this is kept

_WINDOW = RATE // 10  # 100 ms
_READ = 4 * _WINDOW  # frames per read: whole windows, about as many as miniaudio hands over
_GATE = 4 * _WINDOW  # 400 ms: BS.1770's gating block, the least it can measure
_BLANK_POWER = 10 ** (BLANK_DB / 10)  # mean square of a window at BLANK_DB
_CUE = 10 ** (CUE_DB / 20)
_MODE = pyebur128.MeasurementMode.MODE_I | pyebur128.MeasurementMode.MODE_TRUE_PEAK


@dataclass(frozen=True, slots=True)
class Analysis:
    frames: int  # decoded at 48 kHz: exactly what the mixer plays
    loudness: float  # integrated, LUFS; -inf when silent
    peak_db: float  # true peak over both channels, dBTP; -inf when all zero
    blank_from: float | None  # seconds where dead air longer than BLANK_SECONDS starts
    lead: int = 0  # frames before the first sample above CUE_DB (all of them: none is)
    trail: int = 0  # frames after the last sample above CUE_DB

    @property
    def cues(self) -> tuple[int, int]:
        """The frames that air: from the first sound to the last, where the silence before
        or after is longer than CUE_MIN (a song's own short breath stays)."""
        start = self.lead if self.lead > CUE_MIN else 0
        return start, self.frames - (self.trail if self.trail > CUE_MIN else 0)

    @property
    def seconds(self) -> float:
        return self.frames / RATE


def analyse(path: Path) -> Analysis:
    """Decode `path` once and measure it. Raises `MediaError`."""
    state = pyebur128.R128State(CHANNELS, RATE, _MODE)
    powers: list[npt.NDArray[np.float64]] = []  # each 100 ms window's mean square
    first: Block | None = None
    frames = 0
    lead: int | None = None  # the first frame above CUE_DB, once found
    last: tuple[int, Block] | None = None  # the last block with a frame above it, and where
    with Decoder(path) as decoder:
        while not decoder.ended:
            block = decoder.read(_READ)
            n = len(block)
            if n == 0:
                break
            first = block if first is None else first
            if block.max() > _CUE or block.min() < -_CUE:  # two passes, no copy
                last = (frames, block)
                lead = frames + int(_loud(block)[0]) if lead is None else lead
            frames += n
            state.add_frames(np.ascontiguousarray(block).reshape(-1), n)
            whole = n - n % _WINDOW
            squares = np.square(block, dtype=np.float64)
            powers.append(squares[:whole].reshape(-1, _WINDOW * CHANNELS).mean(axis=1))
            if whole < n:  # the last, shorter window
                powers.append(np.array([squares[whole:].mean()]))
    loudness = float(pyebur128.get_loudness_global(state))
    if frames < _GATE and first is not None:  # too short to gate: measure it looped
        loudness = _looped_loudness(first)
    peak = max(float(pyebur128.get_true_peak(state, ch)) for ch in range(CHANNELS))
    peak_db = 20 * math.log10(peak) if peak > 0 else -math.inf
    silent = np.concatenate(powers) < _BLANK_POWER if powers else np.zeros(0, bool)
    trail = 0 if last is None else frames - last[0] - int(_loud(last[1])[-1]) - 1
    return Analysis(
        frames, loudness, peak_db, _blank_from(silent, frames),
        frames if lead is None else lead, trail,
    )  # fmt: skip


def _loud(block: Block) -> npt.NDArray[np.intp]:
    """The frames of `block` with a sample above CUE_DB."""
    return np.flatnonzero(np.abs(block).max(axis=1) > _CUE)


def _looped_loudness(block: Block) -> float:
    """The loudness of a sting shorter than a gating block, as if it played on repeat."""
    state = pyebur128.R128State(CHANNELS, RATE, pyebur128.MeasurementMode.MODE_I)
    looped = np.tile(block, (-(-_GATE // len(block)) + 1, 1))
    state.add_frames(np.ascontiguousarray(looped).reshape(-1), len(looped))
    return float(pyebur128.get_loudness_global(state))


def _blank_from(silent: npt.NDArray[np.bool_], frames: int) -> float | None:
    """Start, in seconds, of the first run of silent windows longer than BLANK_SECONDS."""
    edges = np.diff(np.concatenate(([0], silent.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    lengths = np.minimum(ends * _WINDOW, frames) - starts * _WINDOW  # the last window is short
    long = np.flatnonzero(lengths > BLANK_SECONDS * RATE)
    return None if len(long) == 0 else float(starts[long[0]] * _WINDOW / RATE)
