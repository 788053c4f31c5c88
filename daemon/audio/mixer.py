"""The block mixer: the item on air, its fades, the bed under speech, the master gain.

The mixer is passive and sample-exact: a driver tells it what plays (`start`, `fade_out`,
`stop`, `bed`) and asks for the next `mix(n)` frames, always up to the next event and never
past it, so an item starts on the very frame the one before it ended (zero samples of
silence at a boundary). It never decides anything and never reads a clock. What it plays
comes from `Source`s its opener gives: a `Decoder` (render: decoding in the caller's thread)
or a `Feed` (live: decoded ahead, daemon/audio/feed.py), each giving the
file's frames at the item's `Level` (levels.at_level: at its gain, limited where it has a
ceiling, within full scale, in the thread that decodes). In the steady state (one item, no
fade, no bed, no master gain) a block is the source's own, passed through untouched: the
device callback does nothing to the samples. A block `mix` returns is the caller's to copy,
not to change: it may be a view of a feed's ring, valid until `GUARD` more frames of that
feed have been read (feed.py), so a caller asking for more at once copies as it goes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from daemon.audio.decode import Decoder, MediaError
from daemon.audio.format import CHANNELS, DTYPE, RATE, Block, db_to_gain, frames, silence
from daemon.audio.levels import UNITY, Level, at_level

__all__ = [
    "BED_FADE", "EARLY_END_TOLERANCE", "SEEK_FADE", "Mixer", "Opener", "Source", "Voice",
    "open_decoder",
]  # fmt: skip

EARLY_END_TOLERANCE = frames(0.01)  # a file may end this much before its slot (resampler tail)
SEEK_FADE = frames(0.005)  # fade-in when an item starts mid-way (a render from 15:00)
BED_FADE = frames(0.5)  # the bed fades out when the break's speech is over


class Source(Protocol):
    """Frames of one file: `read(n)` gives n, fewer only at its end; raises MediaError."""

    def read(self, count: int, /) -> Block: ...

    def wait(self, count: int, timeout: float | None, /) -> bool: ...

    def close(self) -> None: ...


class Opener(Protocol):
    """Opens `path` from its frame `offset` (looping it with `loop`), its frames at `level`
    (levels.at_level). Raises MediaError."""

    def __call__(
        self, path: Path, offset: int, loop: bool = False, level: Level = UNITY, /
    ) -> Source: ...


def open_decoder(path: Path, offset: int, loop: bool = False, level: Level = UNITY) -> Source:
    """The render's opener: decoding (and levelling) as it is read, in the caller's thread."""
    return at_level(Decoder(path, offset, loop), level)


class _Ramp:
    """A raised-cosine gain curve from `start` to `end` over `count` frames, made a block at
    a time as it is used: a cut's fade may be seconds long (an urgent page's, 2 s: 96,000
    cosines, 3 ms), and the audio thread computes only the frames of its period."""

    def __init__(self, start: float, end: float, count: int) -> None:
        self.start, self.end, self.count = start, end, max(count, 0)
        self.left = self.count  # frames of the curve not taken yet

    def take(self, count: int) -> Block:
        """The curve's next `count` frames (fewer at its end), as a column."""
        first = self.count - self.left
        count = min(count, self.left)
        self.left -= count
        phase = (np.arange(first, first + count, dtype=np.float64) + 1) / self.count
        shape = 0.5 - 0.5 * np.cos(np.pi * phase)
        return (self.start + (self.end - self.start) * shape).astype(DTYPE).reshape(-1, 1)


class Voice:
    """One file playing: its source (at its level), a slot of `length` frames, its fades."""

    def __init__(self, source: Source, length: int | None, offset: int = 0) -> None:
        self.source = source
        self.remaining = length  # frames left in the slot; None: until the file ends
        self._fade: _Ramp | None = _Ramp(0.0, 1.0, SEEK_FADE) if offset else None
        self._fade_to = 1.0  # the gain once the fade curve is used up
        self.failure = ""  # why the file stopped before its slot was over

    def fade_out(self, count: int) -> None:
        """Fade to silence over `count` frames; the slot ends there (nothing more is decoded)."""
        self._fade, self._fade_to = _Ramp(1.0, 0.0, count), 0.0
        self.remaining = count if self.remaining is None else min(self.remaining, count)

    def read(self, count: int) -> Block:
        """`count` frames, zero-padded where the file ended within tolerance of its slot's
        end; fewer only if the file failed, with `failure` saying why."""
        remaining = self.remaining
        if self._fade is None and self._fade_to == 1.0 and (remaining or 0) >= count:
            try:  # the steady state, every 10 ms: no fade, well inside the slot
                block = self.source.read(count)
            except MediaError as err:
                self.failure = err.reason
                return np.zeros((0, CHANNELS), DTYPE)
            if len(block) == count:
                self.remaining = (remaining or 0) - count
                return block
            return self._tail(block, count)
        want = count if remaining is None else min(count, remaining)
        return self._tail(self._decode(want), count)

    def _tail(self, block: Block, count: int) -> Block:
        """`block` as read for `count` frames: padded and faded (a new array if changed)."""
        want = count if self.remaining is None else min(count, self.remaining)
        if self.remaining is not None and not self.failure:
            left = self.remaining - len(block)
            if len(block) < want and left > EARLY_END_TOLERANCE:
                self.failure = f"the file ended {left / RATE:.1f} s early: truncated or damaged"
            else:
                block = _pad(block, count)
        if self.remaining is not None:
            self.remaining = max(self.remaining - len(block), 0)
        if self._fade is not None:
            block = self._apply_fade(block)
        elif self._fade_to != 1.0:
            block = block * self._fade_to
        return block

    def _decode(self, want: int) -> Block:
        try:
            block = self.source.read(want)
        except MediaError as err:
            self.failure = err.reason
            return np.zeros((0, CHANNELS), DTYPE)
        return block

    def _apply_fade(self, block: Block) -> Block:
        assert self._fade is not None
        curve = self._fade.take(len(block))
        out = np.array(block, dtype=DTYPE)
        out[: len(curve)] *= curve
        out[len(curve) :] *= self._fade_to
        if not self._fade.left:
            self._fade = None
        return out

    def close(self) -> None:
        self.source.close()


class Mixer:
    """The main voice (the item on air) over an optional bed, times the master gain."""

    def __init__(self, master_gain_db: float = 0.0, opener: Opener = open_decoder) -> None:
        self.master = db_to_gain(master_gain_db)
        self._open = opener
        self.main: Voice | None = None
        self._bed: Voice | None = None
        self._bed_path: Path | None = None

    def start(self, path: Path, level: Level, length: int, offset: int = 0) -> None:
        """Put `path` on air at `level` for `length` frames from its frame `offset`. Raises
        MediaError."""
        self.stop()
        self.main = self._voice(path, level, offset, length)

    def fade_out(self, count: int) -> None:
        """Fade the item on air to silence over the next `count` frames (a cut)."""
        if self.main is not None:
            self.main.fade_out(count)

    def stop(self) -> None:
        if self.main is not None:
            self.main.close()
            self.main = None

    def bed(self, path: Path | None, gain: float = 0.0) -> None:
        """Loop `path` under the main voice at `gain`; None fades the bed out."""
        if path is None:
            if self._bed is not None and self._bed_path is not None:
                self._bed.fade_out(BED_FADE)
                self._bed_path = None
            return
        if path == self._bed_path:
            return
        self._drop_bed()
        try:
            self._bed = Voice(self._open(path, 0, True, Level(gain)), None)
            self._bed_path = path
        except MediaError:
            self._bed = None  # the bed is a nicety: the speech airs without it

    def _voice(self, path: Path, level: Level, offset: int, length: int) -> Voice:
        return Voice(self._open(path, offset, False, level), length, offset)

    def wait(self, count: int, timeout: float | None) -> bool:
        """Until the sources on air have `count` frames ready (live: decoded ahead); False
        if `timeout` passed first. Not from the device callback."""
        voices = [v for v in (self.main, self._bed) if v is not None]
        return all(v.source.wait(count, timeout) for v in voices)

    def mix(self, count: int) -> tuple[Block, str]:
        """The next `count` frames, or fewer with the reason the item on air failed."""
        main = self.main
        out = silence(count) if main is None else main.read(count)
        failure = "" if main is None else main.failure
        summed = False  # out is a new array of ours, maybe beyond full scale
        if self._bed is not None:
            under = self._bed.read(len(out))
            if len(under) == len(out):
                out, summed = out + under, True
            if self._bed.failure or self._bed.remaining == 0:
                self._drop_bed()
        if self.master != 1.0:
            out, summed = out * self.master, True
        if summed:  # the sources are within full scale each: only a sum or a gain can pass it
            np.minimum(out, 1.0, out=out)  # the ufuncs themselves: np.clip's wrappers cost
            np.maximum(out, -1.0, out=out)  # more than the clipping
        return out, failure

    def _drop_bed(self) -> None:
        if self._bed is not None:
            self._bed.close()
        self._bed, self._bed_path = None, None

    def close(self) -> None:
        self.stop()
        self._drop_bed()


def _pad(block: Block, count: int) -> Block:
    if len(block) >= count:
        return block
    return np.concatenate([block, silence(count - len(block))])
