"""Decoding ahead in a child process: the feeds of feed.py, filled from a pipe.

Contract: a `ChildFeeder` is a feeder (feed.py: `open` returns a `Feed` at once, the audio
thread reads it as it reads any feed) whose files are decoded by a process of its own,
daemon/audio/decode_worker.py, so that decoding never holds the service's GIL. Two threads
of the service serve it: "decode-orders" sends the child the opens, closes and credits
(how far each feed may be written: never within `GUARD` frames behind what the audio thread
has read), and "decode-read" copies the frames from the pipe straight into the feeds' rings,
a chunk in two or three calls that release the GIL. Only "decode-read" writes to a ring or
gives one back (after the child has said a feed is closed). Should the child die, it is
started again (after a pause that grows while it keeps dying) and every live feed resumes
at the very frame it had reached (a looped feed: from its start); the rings' seconds ahead
cover the restart. So should it hang: owing frames (a feed's credit a chunk ahead of what it
has written), it sent nothing and used no CPU for `HUNG` seconds (stopped, or stuck on a
lock; one decoding a long file up to its offset uses CPU, and is left to finish): it is
killed, and started again as a dead one. A message that cannot be taken (a defect: the two
out of step) kills the child too, its unread output thrown away unread, never into a ring;
an order that cannot be made is logged and tried again a second later: neither thread ends
while the service plays. The audio thread only appends to a deque and sets an event.
"""

from __future__ import annotations

import json
import logging
import math
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import IO

import numpy as np

from daemon.audio.decode import MediaError
from daemon.audio.decode_worker import CLOSED, END, ERROR, FRAMES, HEADER
from daemon.audio.feed import AHEAD, CHUNK, GUARD, IDLE, Feed, FeederBase
from daemon.audio.format import CHANNELS, DTYPE
from daemon.audio.realtime import HELPER_PRIORITY, go_realtime

__all__ = ["ChildFeeder"]

log = logging.getLogger(__name__)

FIRST_PAUSE, LONGEST_PAUSE = 0.05, 5.0  # seconds before starting a dead child again
STEADY = 30.0  # seconds a child must live for its next death to be paused for briefly again
HUNG = 2.0  # seconds owing frames without a word or a tick of CPU: the child is stuck
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
FRAME_BYTES = CHANNELS * np.dtype(DTYPE).itemsize


@dataclass
class _Slot:
    """A feed as the parent tracks it for the child."""

    feed: Feed
    credit: int = 0  # the last `upto` sent
    closing: bool = False  # the close is sent; the ring comes back with CLOSED

    @property
    def filling(self) -> bool:
        """Still to be decoded: neither closing, nor at its end, nor failed."""
        return not self.closing and self.feed._end is None and self.feed._error is None


class ChildFeeder(FeederBase):
    """The decode process and the feeds it fills (see the module's contract)."""

    def __init__(self, ahead: float = AHEAD, blocking: bool = False) -> None:
        super().__init__(ahead, blocking)
        self.restarts = 0  # times the child died and was started again
        self._slots: dict[int, _Slot] = {}
        self._ids = 0
        self._heard = time.monotonic()  # the child's last message (decode-read sets it)
        self._suspect: tuple[float, float] | None = None  # quiet since, its CPU seconds then
        self._lock = threading.Lock()  # the child and the orders to it (never the audio thread)
        self._child = self._start()
        self._orders = threading.Thread(target=self._send_orders, name="decode-orders", daemon=True)
        self._reader = threading.Thread(target=self._read, name="decode-read", daemon=True)
        self._orders.start()
        self._reader.start()

    def close(self) -> None:
        """Stop the child and the threads; every feed ends (none is read after this)."""
        self._stopped = True
        self._wakeup.set()
        self._orders.join()
        with self._lock:
            assert self._child.stdin is not None
            self._child.stdin.close()  # the child ends with its orders
        try:
            self._child.wait(5)  # meanwhile the reader takes what it still sends
        except subprocess.TimeoutExpired:  # hung: the reader would wait for it for ever
            self._child.kill()
            self._child.wait()
        self._reader.join()
        for id, slot in list(self._slots.items()):
            self._take_back(id, slot)
        self._rings = []
        with self._cond:
            self._cond.notify_all()

    @property
    def pid(self) -> int:
        """The decode process's id (for a benchmark's accounting, or a test's kill)."""
        return self._child.pid

    # -- decode-orders ---------------------------------------------------------------------

    def _send_orders(self) -> None:
        go_realtime(HELPER_PRIORITY)  # it holds the GIL the device's thread waits for
        while not self._stopped:
            self._wakeup.clear()  # before looking: a wake-up from now on is not lost
            pause = IDLE
            try:
                with self._lock:
                    orders = self._orders_due()
                    if orders:
                        self._tell(orders)
                    self._watch(time.monotonic())
            except Exception:  # a defect: the feeds wait on their rings' seconds meanwhile
                log.exception("the decode orders could not be made; trying again in 1 s")
                pause = 1.0
            self._wakeup.wait(pause)

    def _watch(self, now: float) -> None:
        """Kill the child if it has hung (see the module's contract); the reader sees it end."""
        owing = any(s.filling and s.credit - s.feed._written >= CHUNK for s in self._slots.values())
        if not owing or now - self._heard < HUNG:
            self._suspect = None
            return
        cpu = _cpu_seconds(self._child.pid)
        if self._suspect is None or cpu != self._suspect[1]:
            self._suspect = (now, cpu)  # working (or no /proc to tell): watch again from now
        elif now - self._suspect[0] >= HUNG:
            log.error("the decode process owes frames but has not run for %.1f s: killing it",
                      now - self._heard)  # fmt: skip
            self._child.kill()
            self._suspect = None

    def _orders_due(self) -> list[dict[str, object]]:
        """Opens for the new feeds, closes for the closed, credits where they have grown a
        chunk; the slots updated as if sent."""
        orders = []
        while self._new:
            feed = self._new.popleft()
            self._ids += 1
            slot = self._slots[self._ids] = _Slot(feed)
            orders.append(self._opening(self._ids, slot))
        for id, slot in list(self._slots.items()):  # the reader deletes from it
            feed = slot.feed
            if feed.closed and not slot.closing:
                slot.closing = True
                orders.append({"close": id})
            elif slot.filling:
                upto = feed._read + self.capacity - GUARD
                if upto - slot.credit >= CHUNK:
                    slot.credit = upto
                    orders.append({"credit": id, "upto": upto})
        return orders

    def _opening(self, id: int, slot: _Slot) -> dict[str, object]:
        """The order that opens the slot's feed where it has got to (its credit renewed)."""
        feed = slot.feed
        slot.credit = max(feed._read, 0) + self.capacity - GUARD
        resume = 0 if feed.loop else feed._written
        return {
            "open": id, "path": str(feed.path), "offset": feed.offset + resume,
            "loop": feed.loop, "gain": feed.level.gain, "ceiling": feed.level.ceiling_db,
            "at": feed._written, "upto": slot.credit,
        }  # fmt: skip

    def _tell(self, orders: list[dict[str, object]]) -> None:
        """Send orders to the child (under the lock); a dead child is the reader's to restart,
        with every feed opened again."""
        lines = memoryview("".join(json.dumps(order) + "\n" for order in orders).encode())
        pipe = self._child.stdin
        assert pipe is not None
        try:
            while lines:
                lines = lines[pipe.write(lines) or 0 :]
        except (BrokenPipeError, ValueError):  # dead, or closed by close()
            pass

    # -- decode-read -----------------------------------------------------------------------

    def _read(self) -> None:
        go_realtime(HELPER_PRIORITY)  # as the orders thread
        pause, started = FIRST_PAUSE, time.monotonic()
        header = bytearray(HEADER.size)
        while True:
            pipe = self._child.stdout
            assert pipe is not None
            if _fill(pipe, memoryview(header)):
                try:
                    self._take(pipe, *HEADER.unpack(header))
                except Exception:  # a defect, or out of step with the child: a child afresh
                    log.exception("a message of the decode process could not be taken")
                    self._child.kill()
                    while pipe.read(1 << 16):  # what it still sent: thrown away unread
                        pass
                continue
            if self._stopped:
                return
            steady = time.monotonic() - started > STEADY
            pause = FIRST_PAUSE if steady else min(pause * 2, LONGEST_PAUSE)
            self._restart(pause)
            started = time.monotonic()

    def _take(self, pipe: IO[bytes], kind: int, id: int, count: int) -> None:
        """One message from the child: its frames into the feed's ring, or what became of it."""
        self._heard = time.monotonic()
        slot = self._slots.get(id)
        feed = None if slot is None else slot.feed
        if kind == FRAMES:
            if feed is None:  # never: the child writes only the feeds it was told of
                _fill(pipe, memoryview(bytearray(count * FRAME_BYTES)))
                return
            if feed._ring is None:
                feed._ring = self.take_ring()
            at = feed._written % self.capacity
            if not _fill(pipe, feed._ring[at : at + count].data.cast("B")):
                return  # the child died in the middle: the restart resends these frames
            feed._written += count
            feed._woken = False
        elif kind == END and feed is not None:
            feed._end = feed._written
        elif kind == ERROR:
            reason = bytearray(count)
            _fill(pipe, memoryview(reason))
            if feed is not None:
                feed._error = MediaError(feed.path, reason.decode(errors="replace"))
        elif kind == CLOSED and slot is not None:
            self._take_back(id, slot)
        with self._cond:
            self._cond.notify_all()

    def _restart(self, pause: float) -> None:
        """A child again, after `pause` seconds, with every live feed opened where it was."""
        self._child.kill()  # dead already, or as good as dead: its frames are gone
        code = self._child.wait()
        log.error(
            "the decode process stopped (exit status %s); starting it again in %.2f s",
            code, pause,
        )  # fmt: skip
        time.sleep(pause)
        with self._lock:
            if self._stopped:  # closing: no new child (its orders would never end)
                return
            self.restarts += 1
            self._child = self._start()
            self._heard = time.monotonic()
            orders = []
            for id, slot in list(self._slots.items()):
                feed = slot.feed
                if slot.closing or feed.closed:
                    self._take_back(id, slot)
                elif slot.filling:
                    orders.append(self._opening(id, slot))
            self._tell(orders)

    def _take_back(self, id: int, slot: _Slot) -> None:
        """A closed feed let go: its ring back to the pool, its end where it got to."""
        del self._slots[id]
        slot.feed._drop()  # no decoder in this process: the ring back, the end set

    def _start(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "daemon.audio.decode_worker", str(self.capacity), str(CHUNK)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0,
        )  # fmt: skip


def _cpu_seconds(pid: int) -> float:
    """A process's CPU time so far (user + system), NaN where /proc cannot tell."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime: fields 14 and 15


def _fill(pipe: IO[bytes], into: memoryview) -> bool:
    """Read exactly len(into) bytes from `pipe`; False if it ended first."""
    done = 0
    while done < len(into):
        got = pipe.readinto(into[done:])  # type: ignore[attr-defined]
        if not got:
            return False
        done += got
    return True
