"""Decoding ahead: files decode on a worker thread into rings that the audio thread reads.

Contract: a `Feeder` runs one thread, "decode", that opens files and keeps every open `Feed`
filled up to `ahead` seconds. `Feeder.open(path, offset, loop, level)` returns a Feed at once:
it neither opens, decodes, waits nor allocates a ring (the worker does that, soon after); the
worker puts the frames in the ring as they air, at `level` (levels.at_level: scaled, limited
where it has a ceiling, within full scale). `Feed.read(n)` is the audio thread's side: n frames,
fewer only once the file has ended (as `Decoder.read`); in the steady state a view of the ring
itself, which stays as it is until `GUARD` more frames have been read from the feed (the device
copies it out at once); else a new array. Where the worker has fallen behind it
pads with silence and counts an underrun (`Feeder.underruns`, `underrun_frames`); the frames
it missed are dropped when they come, so the file stays in time with the clock. With
`blocking` (a sink that is not real time) `read` waits for the worker instead and never
underruns. A `MediaError` (the file cannot be opened) is raised by `read`. `wait(n, timeout)`
waits until n frames are ready (or the end, or an error): for priming, before the device.
The ring is only read and written under the GIL by one reader and one writer: the writer
fills frames before it moves `_written`, the reader copies them out before it moves `_read`.
The decode thread runs at a lower priority (nice 10) and yields after each chunk, so that the
audio thread waits neither for the CPU nor for the GIL while a file is opened or decoded.
"""

from __future__ import annotations

import abc
import contextlib
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

import numpy as np

from daemon.audio.decode import Decoder, MediaError
from daemon.audio.format import CHANNELS, DTYPE, RATE, Block
from daemon.audio.levels import UNITY, Level, Scaled, at_level
from daemon.audio.limiter import Limited

__all__ = ["AHEAD", "CHUNK", "GUARD", "Feed", "Feeder", "FeederBase"]

log = logging.getLogger(__name__)

AHEAD = 3.0  # seconds each feed holds decoded ahead of the audio thread
CHUNK = 8192  # frames the worker decodes in one go before it looks at the other feeds
GUARD = CHUNK  # frames behind the reader the worker never writes: a view read stays valid
IDLE = 0.25  # seconds the worker sleeps at most when nothing needs filling
POOL = 6  # rings kept for reuse
NICE = 10  # the decode thread gives way to the audio thread (it has seconds in hand)


class Feed:
    """One file decoding ahead into a ring: the audio thread reads, the worker writes."""

    def __init__(
        self, feeder: FeederBase, path: Path, offset: int, loop: bool, level: Level
    ) -> None:
        self.path, self.offset, self.loop, self.level = path, offset, loop, level
        self._feeder = feeder
        self._ring: Block | None = None  # set by the worker once the file is open
        self._written = 0  # frames (from `offset`) the worker has put in the ring
        self._read = 0  # frames the audio thread has taken, or passed by in an underrun
        self._end: int | None = None  # where the file ended, once the worker got there
        self._error: MediaError | None = None
        self._decoder: Scaled | Limited | None = None  # the worker's
        self._woken = False  # asked the worker for more since it last filled this feed
        self.closed = False

    # -- the audio thread ------------------------------------------------------------------

    def read(self, count: int) -> Block:
        """The next `count` frames (see the module's contract). Raises MediaError."""
        ring, start = self._ring, self._read
        if ring is not None and self._written - start >= count and not self._feeder.blocking:
            at = start % len(ring)
            if at + count <= len(ring) and count <= GUARD:  # the steady state: a view
                out = ring[at : at + count]
                self._read = start + count
                if not self._woken and self._written - start - count < len(ring) // 2:
                    self._woken = True
                    self._feeder.wake()
                return out
        if self._feeder.blocking:
            most = self._feeder.most
            if count > most:
                return self._pieces(count, most)
            self.wait(count, None)
        start, ready, end, ring = self._read, self._written, self._end, self._ring
        have = max(0, ready - start) if ring is not None else 0
        if have < count and self._error is not None:
            raise self._error
        got = min(have, count)
        size = count if end is None else got
        out = np.empty((size, CHANNELS), DTYPE)  # across the ring's end, once a lap: small
        if got:
            assert ring is not None
            _copy_out(ring, start, out[:got])
        if got < size:  # an underrun: silence now, those frames dropped when they come
            out[got:] = 0.0
            self._feeder.underruns += 1
            self._feeder.underrun_frames += size - got
        self._read = start + size
        if not self._woken and (ring is None or ready - self._read < len(ring) // 2):
            self._woken = True
            self._feeder.wake()
        return out

    def wait(self, count: int, timeout: float | None) -> bool:
        """Until `count` frames are ready to read, the file has ended or failed; False if
        `timeout` seconds passed first. Never from the device callback."""
        count = min(count, self._feeder.most)
        return self._feeder.wait_for(lambda: self._ready(count), timeout)

    @property
    def ended(self) -> bool:
        return self._end is not None and self._read >= self._end

    def close(self) -> None:
        """Done with it: the worker closes the file and takes the ring back."""
        self.closed = True
        self._feeder.wake()

    def _pieces(self, count: int, most: int) -> Block:
        pieces = [self.read(most).copy()]
        while len(pieces[-1]) == most and (left := count - most * len(pieces)) > 0:
            pieces.append(self.read(min(left, most)).copy())
        return np.concatenate(pieces)

    # -- the worker --------------------------------------------------------------------------

    def _ready(self, count: int) -> bool:
        if self._error is not None or self._end is not None:
            return True
        return self._ring is not None and self._written - self._read >= count

    def _ahead(self) -> int:
        return self._written - self._read

    def _room(self) -> int:
        """Frames the worker may write now; 0 when full, finished or closed."""
        if self.closed or self._end is not None or self._error is not None:
            return 0
        if self._ring is None:
            return CHUNK  # not open yet: the first thing to do
        return len(self._ring) - GUARD - max(0, self._ahead())

    def _step(self) -> None:
        """Open the file, or decode one chunk into the ring."""
        if self._decoder is None:
            try:
                decoder = Decoder(self.path, self.offset, self.loop)
            except MediaError as err:
                self._error = err
                return
            self._decoder = at_level(decoder, self.level)
            self._ring = self._feeder.take_ring()
        ring = self._ring
        assert ring is not None
        want = min(self._room(), CHUNK)
        at = self._written % len(ring)
        first = ring[at : min(len(ring), at + want)]
        got = self._decoder.read_into(first)
        if got == len(first) and want > got:
            got += self._decoder.read_into(ring[: want - got])
        self._written += got
        if got < want:
            self._end = self._written
            self._decoder.close()
        self._woken = False

    def _drop(self) -> None:
        """Close the file (if this process opened it) and hand the ring back."""
        if self._decoder is not None:
            self._decoder.close()
            self._decoder = None
        if self._ring is not None:
            self._feeder.give_ring(self._ring)
            self._ring = None
        if self._end is None:
            self._end = self._written


def _copy_out(ring: Block, start: int, out: Block) -> None:
    """Frames from position `start` of the ring into `out`, across its wrap."""
    at = start % len(ring)
    first = min(len(out), len(ring) - at)
    out[:first] = ring[at : at + first]
    if first < len(out):
        out[first:] = ring[: len(out) - first]


class FeederBase(abc.ABC):
    """What every feeder shares: the rings' size, the waiting, the counts of underruns.
    A subclass fills the feeds and stops (`close`)."""

    def __init__(self, ahead: float = AHEAD, blocking: bool = False) -> None:
        self.capacity = max(round(ahead * RATE), 4 * CHUNK)
        self.most = self.capacity - GUARD - CHUNK  # what the worker has ready at least, when full
        self.blocking = blocking
        self.underruns = 0  # reads that came short of frames (each padded with silence)
        self.underrun_frames = 0
        self._new: deque[Feed] = deque()  # opened, not yet taken up by the worker
        self._rings: list[Block] = []
        self._wakeup = threading.Event()  # set: the worker looks at the feeds again
        self._cond = threading.Condition()  # notified after each step, for the waiters
        self._stopped = False

    def open(self, path: Path, offset: int = 0, loop: bool = False, level: Level = UNITY) -> Feed:
        """A feed of `path` from frame `offset`, filled from now on (returns at once), its
        frames at `level` (see the module's contract)."""
        feed = Feed(self, path, offset, loop, level)
        self._new.append(feed)
        self.wake()
        return feed

    def wake(self) -> None:
        """Have the worker look at the feeds now (the audio thread may call it)."""
        self._wakeup.set()

    def wait_for(self, ready: Callable[[], bool], timeout: float | None) -> bool:
        self._wakeup.set()
        with self._cond:
            return self._cond.wait_for(lambda: self._stopped or ready(), timeout)

    def take_ring(self) -> Block:
        return self._rings.pop() if self._rings else np.empty((self.capacity, CHANNELS), DTYPE)

    def give_ring(self, ring: Block) -> None:
        if len(self._rings) < POOL:
            self._rings.append(ring)

    @abc.abstractmethod
    def close(self) -> None:
        """Stop filling and close every file (no feed is read after this)."""


class Feeder(FeederBase):
    """The decode thread and the feeds it fills."""

    def __init__(self, ahead: float = AHEAD, blocking: bool = False) -> None:
        super().__init__(ahead, blocking)
        self._feeds: list[Feed] = []  # the worker's
        self._thread = threading.Thread(target=self._work, name="decode", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop the worker and close every file (no feed is read after this)."""
        self._stopped = True
        self._wakeup.set()
        self._thread.join()
        for feed in [*self._feeds, *self._new]:
            feed._drop()
        self._feeds, self._rings = [], []
        self._new.clear()
        with self._cond:
            self._cond.notify_all()

    def _work(self) -> None:
        with contextlib.suppress(OSError, AttributeError):  # Linux: a thread has its own nice
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)
        while not self._stopped:
            self._wakeup.clear()  # before looking: a wake-up from now on is not lost
            feed = self._neediest()
            if feed is None:
                with self._cond:  # the feeds closed may have given their rings back
                    self._cond.notify_all()
                self._wakeup.wait(IDLE)
                continue
            try:
                feed._step()
            except Exception as err:  # a bug in one file's decoding must not starve the rest
                log.exception("decoding %s failed", feed.path)
                feed._error = MediaError(feed.path, f"decoding failed ({err})")
            with self._cond:
                self._cond.notify_all()
            time.sleep(0)  # the GIL to the audio thread if it waits: each chunk, not each file

    def _neediest(self) -> Feed | None:
        """The feed with the least decoded ahead that has room for a chunk (or is not open
        yet), if any; closed feeds are let go."""
        while self._new:
            self._feeds.append(self._new.popleft())
        if any(f.closed for f in self._feeds):
            for feed in self._feeds:
                if feed.closed:
                    feed._drop()
            self._feeds = [f for f in self._feeds if not f.closed]
        best: Feed | None = None
        for feed in self._feeds:
            if feed._room() >= CHUNK and (best is None or feed._ahead() < best._ahead()):
                best = feed
        return best
