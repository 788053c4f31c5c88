"""Look-ahead true-peak limiting of one item, in the thread that decodes it (never the device's).

Contract: `Limiter(gain)` takes one stereo stream in blocks of any size and gives it back times
`gain`, delayed by exactly `delay` = round(lookahead * RATE) frames, with the gain lowered only
where the output's true peak would pass `ceiling_db` dBTP; both channels share the one gain.
Where nothing passes the ceiling the output is exactly `block * gain` (float32), so nothing
pumps. The output does not depend on how the stream is cut into blocks (bit for bit).
- True peak: 4x oversampling as ITU-R BS.1770-4 Annex 2 (each sample and three interpolated
  phases), with 24 taps a phase rather than 12 (flat within 0.006 dB to 20 kHz; 12 taps
  cannot be flat within 0.19 dB to 20 kHz), refined within 0.6 dB of the ceiling by a
  parabola through each oversampled maximum: 4x alone reads a 15 kHz peak up to 0.26 dB low,
  refined 0.012 dB; noise to 20 kHz, 0.03 dB at most. Content above 20 kHz is read low
  (-0.3 dB at 21 kHz), as by any meter of the kind.
- Attack: from delay - 12 frames before a peak the gain falls linearly in dB over `ramp` =
  delay - 23 frames, fully down HOLD = 12 frames before it and held until 12 frames after it
  (the interpolation's span); a peak's frame is the interval from it to the next frame.
- Release: then the gain rises linearly in dB at 6 dB per `release` seconds: from D dB of
  reduction it is back to unity D / 6 * release seconds after the peak, plus at most `delay`
  frames (the hold, and the attack's smoothing rounding the corner). A later peak cuts it short.
Cost (bench/limiter_cost.py, a 2-core AMD EPYC, in reads of 8,192 frames as the decode
thread and a render make): an hour takes 23 s of CPU limited all the time, 11 s measured
with nothing to limit, under 1 s where the peaks are 9 dB under the ceiling (not measured);
the ten songs of Debian's extremetuxracer-data at -16 LUFS, 4.1 s an hour (mono measures
one channel; only the stretches of a piece from its first to its last possibly loud
32 frames are measured).
`Limited(source, gain)` is a `Source` (mixer.py) limited as it is read, frame-aligned with its
source and with no added latency: it reads `delay` frames ahead and flushes them at the end.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from daemon.audio.format import CHANNELS, DTYPE, Block, db_to_gain, frames

if TYPE_CHECKING:  # the mixer is to import this module
    from daemon.audio.mixer import Source

__all__ = ["CEILING_DB", "HOLD", "LOOKAHEAD", "RELEASE", "Limited", "Limiter", "needs_limiting"]

CEILING_DB = -1.0  # dBTP
LOOKAHEAD = 0.005  # seconds
RELEASE = 0.1  # seconds per 6 dB of recovery
TAPS = 24  # of each interpolating phase: frames n-11 .. n+12 to n + 1/4, 1/2, 3/4
SPAN = TAPS // 2  # frames after a frame that its interpolation reads
HOLD = SPAN  # frames the full reduction is held either side of a peak
PIECE = 4096  # frames processed at a time: a long read's temporaries stay under 1 MB
GROUP = 32  # frames: a piece is measured from the first group that could be loud to the last
ROWS = 768  # frames interpolated by one matrix product: under OpenBLAS's threshold for
# threads (and the sizes where it is slow)
_HISTORY = 2 * SPAN  # input frames kept: the interpolation's, and the frame before
_STARTS = np.arange(0, (PIECE + _HISTORY) * CHANNELS, GROUP * CHANNELS)  # GROUP-frame blocks
_STEPS = 2**24  # gain steps per dB in the attack's running sums: integers, exact in any split
_DEEPEST = 1e-10  # the least gain asked for (-200 dB: an infinite sample)
Floats = npt.NDArray[np.float64]

# The phases, in steps of 2^-16: a minimax fit to the ideal fractional delay over 0-20 kHz
# (phase 1 - f is phase f reversed). The samples are rounded to steps of 2^-20 and the
# products summed in float64: integers under 2^53, so exact in any order (BLAS may sum as it
# likes) and the same however the stream is split, for samples under 2^10 (+60 dBFS).
_EIGHTHS = [
    [-26, 57, -115, 207, -347, 553, -854, 1304, -2020, 3340, -6815, 63731,
     9106, -4091, 2470, -1630, 1105, -746, 493, -314, 190, -106, 53, -25],
    [-48, 104, -209, 376, -629, 999, -1539, 2335, -3583, 5821, -11317, 58792,
     19599, -8086, 4764, -3108, 2091, -1406, 927, -589, 355, -198, 99, -46],
    [-62, 134, -269, 483, -807, 1280, -1962, 2962, -4505, 7199, -13431, 51165,
     30700, -11366, 6515, -4196, 2803, -1876, 1232, -781, 470, -262, 131, -61],
    [-67, 143, -287, 516, -859, 1358, -2075, 3117, -4701, 7401, -13323, 41524,
     41524, -13323, 7401, -4701, 3117, -2075, 1358, -859, 516, -287, 143, -67],
]  # fmt: skip
OVERSAMPLE = 4
_PHASES = [_EIGHTHS[8 // OVERSAMPLE * k - 1] for k in range(1, OVERSAMPLE // 2 + 1)]
_PHASES += [taps[::-1] for taps in _PHASES[-2::-1]]  # n + 1/P .. n + (P-1)/P, 24 taps each
_FIR = np.zeros((2 * (OVERSAMPLE - 1), 2 * TAPS))  # both channels' phases from frames' pairs
_FIR[: OVERSAMPLE - 1, 0::2] = _FIR[OVERSAMPLE - 1 :, 1::2] = _PHASES
# (window's frame-channel, channel-phase), by the channels measured (1: both are the same)
_FIR_T = {2: np.ascontiguousarray(_FIR.T), 1: np.array(_PHASES, np.float64).T.copy()}
_IN = float(2**20)  # sample steps per unit
_OUT = 2.0**-36  # units per step of an interpolated value
_REFINE = db_to_gain(-0.6)  # the parabola is fitted only within 0.6 dB of the ceiling
# The oversampled values are at most this times the sample peak of the frames they are from:
# under ceiling * _REFINE / _BOUND (-8.8 dB) there is nothing to measure (as measuring finds).
_BOUND = float(np.abs(_FIR).sum(axis=1).max()) / 2**16


def needs_limiting(true_peak_db: float, gain_db: float, ceiling_db: float = CEILING_DB) -> bool:
    """Whether an item of measured `true_peak_db` played at `gain_db` can pass the ceiling
    (False: play it without a limiter). A meter's true peak may read a little low (0.26 dB
    for a 15 kHz peak at 4x oversampling): give a lower ceiling for a margin."""
    return not true_peak_db + gain_db <= ceiling_db  # NaN: True


class Limiter:
    """A look-ahead true-peak limiter for one stream (see the module's contract)."""

    def __init__(
        self,
        gain: float,
        ceiling_db: float = CEILING_DB,
        lookahead: float = LOOKAHEAD,
        release: float = RELEASE,
    ) -> None:
        self.gain, self.ceiling_db = gain, ceiling_db
        self.delay = frames(lookahead)
        self.ramp = self.delay - SPAN - HOLD + 1  # frames of the attack
        if self.ramp < 2 or not release > 0:
            raise ValueError(f"lookahead {lookahead} s is under 0.25 ms or release {release} s")
        self._ceiling = db_to_gain(ceiling_db)
        self._loud = (self._ceiling * _REFINE - 2e-5) / _BOUND  # a sample over it: measure
        # (2e-5: the rounding of the bound and of the samples to the interpolation's steps)
        self._slope = 6.0 / (release * frames(1.0))  # dB per frame
        self._window = self.ramp + 2 * HOLD  # the running minimum's
        self._to_gain = math.log(10) / 20 / _STEPS / self.ramp  # a sum of steps to ln(gain)
        # what is kept from piece to piece, at the start of buffers a piece long more:
        self._line = np.zeros((self.delay + PIECE, CHANNELS), DTYPE)  # the input times gain
        self._curve = np.zeros(self._window - 1 + PIECE)  # the released gains (dB)
        self._held = np.zeros(self.ramp - 1 + PIECE, np.int64)  # their running minima
        self._measured = 0  # frames whose peak has been measured
        self._floor = math.inf  # min over frames m so far of (release curve - slope * m)
        self._idle = True  # no reduction under way: the curve and minima kept are all zero

    def process(self, block: Block) -> Block:
        """`block` times gain, limited and delayed: as many frames, the first `delay` of the
        stream silence (a new array)."""
        out = np.empty((len(block), CHANNELS), DTYPE)
        for at in range(0, len(block), PIECE):
            self._piece(block[at : at + PIECE], out[at : at + PIECE])
        return out

    def flush(self) -> Block:
        """The last `delay` frames (as if `delay` frames of silence followed the stream)."""
        return self.process(np.zeros((self.delay, CHANNELS), DTYPE))

    def _piece(self, block: Block, out: Block) -> None:
        count, delay = len(block), self.delay
        line = self._line[: delay + count]
        np.multiply(block, self.gain, out=line[delay:])
        reach = line[delay - _HISTORY :]  # the frames to measure, SPAN frames behind
        peaks = self._loud_peaks(reach)
        if self._idle and (peaks is None or float(peaks.max()) <= self._ceiling):
            self._measured += count  # no reduction: what the general case gives, exactly
            self._floor = min(self._floor, -(self._slope * (self._measured - 1)))
            out[...] = line[:count]
        else:
            wanted = np.zeros(count)  # dB, <= 0
            if peaks is not None:  # ceiling / peak >= 1 exactly where peak <= ceiling
                np.minimum(self._ceiling / np.fmax(peaks, 1e-30), 1.0, out=wanted)  # NaN: 1
                np.multiply(
                    np.log10(np.fmax(wanted, _DEEPEST, out=wanted), out=wanted), 20, out=wanted
                )
            np.multiply(line[:count], self._gains(wanted)[:, None], out=out)
        line[:delay] = line[count:]

    def _loud_peaks(self, reach: Block) -> Floats | None:
        """`_peaks(reach)`, measured only from the first to the last GROUP of frames whose
        samples could make a peak within 0.6 dB of the ceiling; 0 elsewhere (where a peak is
        under the ceiling, it asks for no reduction whatever it is: the same output). None
        where no group could: nothing to measure."""
        count = len(reach) - _HISTORY
        starts = _STARTS[: -(-len(reach) // GROUP)]
        loud = np.maximum.reduceat(np.abs(reach).reshape(-1), starts) > self._loud
        if not loud.any():
            return None
        # frame i's peak reads reach[i : i + _HISTORY + 1]: group g, blocks g and g + 1
        first = max(int(loud.argmax()) - 1, 0) * GROUP
        end = min(len(loud) - int(loud[::-1].argmax()), -(-count // GROUP)) * GROUP
        if first == 0 and end >= count:
            return self._peaks(reach)
        peaks = np.zeros(count)
        peaks[first:end] = self._peaks(reach[first : end + _HISTORY])
        return peaks

    def _peaks(self, reach: Block) -> Floats:
        """Each frame's true peak over both channels (the interval to the next frame), for
        the frames `reach` holds with SPAN frames either side, and one more before."""
        count, over = len(reach) - _HISTORY, OVERSAMPLE
        # mono: the one channel (the same result); a first frame that differs says stereo at
        # once, without comparing the whole piece
        if reach[0, 0] == reach[0, 1] and np.array_equal(reach[:, 0], reach[:, 1]):
            reach = reach[:, :1]
        channels = reach.shape[1]
        fixed = np.rint(np.multiply(reach, _IN, dtype=np.float64))
        shape, steps = (count + 1, channels * TAPS), (fixed.strides[0], fixed.itemsize)
        windows = np.ndarray(shape, np.float64, fixed, strides=steps)  # overlapping rows
        phases = np.empty((count + 1, channels * (over - 1)))
        for row in range(0, count + 1, ROWS):
            rows = slice(row, row + ROWS)
            np.matmul(np.ascontiguousarray(windows[rows]), _FIR_T[channels], out=phases[rows])
        phases = phases.T.reshape(channels, over - 1, -1)
        seq = np.empty((channels, over + 2, count), np.float32)  # a row a phase, and the
        seq[:, 0] = phases[:, -1, :-1] * _OUT  # last phase of the frame before,
        seq[:, 1] = reach[SPAN : SPAN + count].T  # the samples,
        seq[:, 2:-1] = phases[:, :, 1:] * _OUT  # the phases between them
        seq[:, -1] = reach[SPAN + 1 : SPAN + 1 + count].T  # and the next frame's sample
        value = seq[:, 1:-1]
        top = np.abs(value)
        peaks = top.max(axis=(0, 1))
        near = self._ceiling * _REFINE
        if float(peaks.max()) > near:  # a parabola through each oversampled maximum near it
            at = np.flatnonzero(top > near)  # (decided per oversample: the same in any split)
            mid = np.take(value, at)
            rise, fall = mid - np.take(seq[:, :-2], at), mid - np.take(seq[:, 2:], at)
            bend = rise + fall
            lift = np.square(rise - fall) / (8 * np.maximum(np.abs(bend), 1e-20))
            lift *= (rise * fall >= 0) & (mid * bend > 0)  # a maximum (or minimum) there
            np.maximum.at(peaks, at % count, np.abs(mid) + lift)
        return np.asarray(peaks, np.float64)

    def _gains(self, wanted: Floats) -> npt.NDArray[np.float32]:
        """The gains for the frames leaving the delay, from the reductions (dB, <= 0) the
        frames just measured want."""
        count, first = len(wanted), self._measured
        self._measured += count
        # release: curve[n] = min(wanted[n], curve[n-1] + slope), as a running minimum
        ramp = np.arange(first, first + count, dtype=np.float64) * self._slope
        lowest = np.minimum.accumulate(wanted - ramp)
        np.minimum(lowest, self._floor, out=lowest)
        self._floor = float(lowest[-1])
        curve = self._curve[: self._window - 1 + count]
        np.minimum(ramp + lowest, 0.0, out=curve[self._window - 1 :])
        # attack: the minimum over each window, then its mean over `ramp` frames (in integer
        # steps: a running sum with no rounding)
        held = self._held[: self.ramp - 1 + count]
        held[self.ramp - 1 :] = np.floor(_running_min(curve, self._window) * _STEPS)
        total = np.cumsum(held)
        sums = total[self.ramp - 1 :].copy()
        sums[1:] -= total[: count - 1]
        curve[: self._window - 1] = curve[count:]
        held[: self.ramp - 1] = held[count:]
        self._idle = not (curve[: self._window - 1].any() or held[: self.ramp - 1].any())
        gains: npt.NDArray[np.float32] = np.exp(sums * self._to_gain).astype(DTYPE)
        return gains


def _running_min(values: Floats, width: int) -> Floats:
    """min(values[i : i + width]) for each i (van Herk / Gil-Werman, by whole windows)."""
    count = len(values) - width + 1
    rows = -(-len(values) // width)
    padded = np.full(rows * width, np.inf)
    padded[: len(values)] = values
    grid = padded.reshape(rows, width)
    ahead = np.minimum.accumulate(grid, axis=1).reshape(-1)
    behind = np.minimum.accumulate(grid[:, ::-1], axis=1)[:, ::-1].reshape(-1)
    return np.minimum(behind[:count], ahead[width - 1 : width - 1 + count])


class Limited:
    """`source` times `gain`, limited as it is read (a `Source`): frame i is the source's
    frame i, the same number of frames in all; the source is read `delay` frames ahead."""

    def __init__(self, source: Source, gain: float, ceiling_db: float = CEILING_DB) -> None:
        self.source = source
        self.limiter = Limiter(gain, ceiling_db)
        self._taken = 0  # frames read from the source
        self._given = 0  # frames handed out
        self._rest: Block | None = None  # limited, not yet asked for (at the end)
        self._flushed = False  # the source has ended and the limiter's last frames are out

    def read(self, count: int) -> Block:
        """The next `count` frames, fewer only at the end. Raises the source's MediaError."""
        delay = self.limiter.delay
        if not self._flushed:
            want = self._given + count + delay - self._taken  # count + delay at first
            block = self.source.read(want) if want > 0 else np.zeros((0, CHANNELS), DTYPE)
            limited = self.limiter.process(block)
            skip = max(0, delay - self._taken)  # the limiter's first frames are its delay
            self._taken += len(block)
            if len(block) < want or getattr(self.source, "ended", False):
                limited = np.concatenate((limited, self.limiter.flush()))
                self._flushed = True
            self._rest = limited[skip:]  # count frames, unless the source has just ended
        rest = self._rest if self._rest is not None else np.zeros((0, CHANNELS), DTYPE)
        out, self._rest = rest[:count], (rest[count:] if len(rest) > count else None)
        self._given += len(out)
        return out

    def read_into(self, out: Block) -> int:
        """Fill `out` as `read(len(out))` would (as `Decoder.read_into`); the frames written."""
        block = self.read(len(out))
        out[: len(block)] = block
        return len(block)

    def wait(self, count: int, timeout: float | None) -> bool:
        """Until the source has what `read(count)` takes (count + delay at first)."""
        if self._flushed:
            return True
        return self.source.wait(
            max(0, self._given + count + self.limiter.delay - self._taken), timeout
        )

    @property
    def ended(self) -> bool:
        """Every frame handed out (the source's end is known by a short read, or its `ended`)."""
        return self._flushed and self._rest is None

    def close(self) -> None:
        self.source.close()
