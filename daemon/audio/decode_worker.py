"""The decode process: files decoded ahead in a child, so that no decoding shares the GIL
with the audio thread (daemon/audio/child_feed.py is the parent's side).

Decoding in a thread of the service costs the device callback milliseconds now and then,
however little it holds the GIL: FFmpeg's calls release and retake it hundreds of times
per chunk, and each time the audio thread may queue behind. In a process of its own the
decoding has its own interpreter; the parent only copies bytes from a pipe.

Protocol. Orders come in on standard input, one JSON object a line:
`{"open": id, "path", "offset", "loop", "gain", "ceiling", "at", "upto"}` opens a file from
frame `offset` at that level (levels.at_level); `{"credit": id, "upto": n}` lets the feed be
written up to its frame n; `{"close": id}` closes it. Frames of a feed are counted from its
`offset`, its first frame written being frame `at`. Messages go out on standard output, each
a header (kind, id, count: struct `HEADER`) and a body: FRAMES (count float32 stereo frames,
never across a multiple of the ring's `capacity`, so that each lands whole in the parent's
ring), END (the file ended after the frames sent), ERROR (count bytes of UTF-8: a reason for
the service desk; nothing more comes for that feed), CLOSED (the close is done: nothing more
comes for that id). A feed is written only up to its credit; the neediest feed (the least
credit used) is decoded first, a chunk at a time. The process ends when standard input does.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import signal
import struct
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from daemon.audio.decode import Decoder, MediaError
from daemon.audio.format import CHANNELS, DTYPE
from daemon.audio.levels import Level, Scaled, at_level
from daemon.audio.limiter import Limited

__all__ = ["CLOSED", "END", "ERROR", "FRAMES", "HEADER"]

log = logging.getLogger("daemon.audio.decode_worker")

HEADER = struct.Struct("<BII")  # kind, feed id, count
FRAMES, END, ERROR, CLOSED = 1, 2, 3, 4
NICE = 10  # decoding gives way to the service (it has seconds in hand)


@dataclass
class _Feed:
    id: int
    path: Path
    offset: int
    loop: bool
    level: Level
    sent: int  # the feed's frame that comes next
    upto: int  # the credit: frames before this one may be written
    decoder: Scaled | Limited | None = None


class Worker:
    """The feeds this process decodes, and the pipe their frames go out on."""

    def __init__(self, out: BinaryIO, capacity: int, chunk: int) -> None:
        self.out, self.capacity, self.chunk = out, capacity, chunk
        self.feeds: dict[int, _Feed] = {}
        self.buffer = np.empty((chunk, CHANNELS), DTYPE)

    def order(self, line: bytes) -> None:
        """Carry out one order (see the module's protocol)."""
        order = json.loads(line)
        if "open" in order:
            ceiling = order["ceiling"]
            level = Level(float(order["gain"]), None if ceiling is None else float(ceiling))
            feed = _Feed(
                order["open"], Path(order["path"]), int(order["offset"]), bool(order["loop"]),
                level, int(order["at"]), int(order["upto"]),
            )  # fmt: skip
            self.feeds[feed.id] = feed
        elif "credit" in order:
            if (credited := self.feeds.get(order["credit"])) is not None:
                credited.upto = max(credited.upto, int(order["upto"]))
        elif "close" in order:
            if (gone := self.feeds.pop(order["close"], None)) is not None and gone.decoder:
                gone.decoder.close()
            self._send(CLOSED, order["close"], 0)

    def neediest(self) -> _Feed | None:
        """The feed with the most room for frames, if one has room for a chunk."""
        best = max(self.feeds.values(), key=lambda f: f.upto - f.sent, default=None)
        return best if best is not None and best.upto - best.sent >= self.chunk else None

    def step(self, feed: _Feed) -> None:
        """Open the feed's file, or decode and send one chunk of it."""
        try:
            if feed.decoder is None:
                feed.decoder = at_level(Decoder(feed.path, feed.offset, feed.loop), feed.level)
            piece = min(self.chunk, self.capacity - feed.sent % self.capacity)
            got = feed.decoder.read_into(self.buffer[:piece])
        except MediaError as err:
            return self._fail(feed, err.reason)
        except Exception as err:  # a bug in one file's decoding must not starve the rest
            log.exception("decoding %s failed", feed.path)
            return self._fail(feed, f"decoding failed ({err})")
        if got:
            self._send(FRAMES, feed.id, got, self.buffer[:got].data.cast("B"))
            feed.sent += got
        if got < piece:
            self._send(END, feed.id, 0)
            feed.decoder.close()
            del self.feeds[feed.id]

    def _fail(self, feed: _Feed, reason: str) -> None:
        body = reason.encode()
        self._send(ERROR, feed.id, len(body), body)
        if feed.decoder is not None:
            feed.decoder.close()
        del self.feeds[feed.id]

    def _send(self, kind: int, id: int, count: int, body: bytes | memoryview = b"") -> None:
        self.out.write(HEADER.pack(kind, id, count))
        if body:
            self.out.write(body)
        self.out.flush()


def serve(orders: int, out: BinaryIO, capacity: int, chunk: int) -> None:
    """Decode as ordered on the file descriptor `orders` until it ends."""
    worker, pending = Worker(out, capacity, chunk), b""
    while True:
        feed = worker.neediest()
        readable, _, _ = select.select([orders], [], [], 0 if feed is not None else None)
        if readable:
            data = os.read(orders, 1 << 16)
            if not data:
                return
            *lines, pending = (pending + data).split(b"\n")
            for line in lines:
                worker.order(line)
            continue  # the orders first: a close or a credit changes what is neediest
        if feed is not None:
            worker.step(feed)


def main() -> None:
    capacity, chunk = (int(arg) for arg in sys.argv[1:3])
    out = os.fdopen(os.dup(1), "wb")  # the frames' own descriptor: a stray print cannot
    os.dup2(2, 1)  # corrupt it, it goes to standard error instead
    logging.basicConfig(level=logging.WARNING, format="decode process: %(message)s")
    for stop in (signal.SIGINT, signal.SIGTERM):  # a Ctrl-C or systemd's stop: the service
        signal.signal(stop, signal.SIG_IGN)  # stops first, and this process with its orders
    with contextlib.suppress(OSError):
        os.nice(NICE)
    with contextlib.suppress(BrokenPipeError):  # the service has gone: nothing to tell it
        serve(sys.stdin.fileno(), out, capacity, chunk)


if __name__ == "__main__":
    main()
