"""Preloading: the next item's file is opened ahead, off the audio thread.

Whenever the engine's forecast changes (an item starts, a command arrives), the live
driver's follower thread hands the preloader the file of the item that follows the one on
air; the preloader's own thread opens it (disk seek, headers, decoder set-up). At the
boundary the audio thread takes the open decoder instead of opening the file itself. A
later forecast may change the choice; the unused decoder is then closed.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path

from daemon.audio.decode import Decoder, MediaError

__all__ = ["Preloader"]


class Preloader:
    """Opens one file ahead in a thread of its own; `open` is the mixer's opener."""

    def __init__(self) -> None:
        self._wanted: queue.SimpleQueue[Path | tuple[Path] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._ready: tuple[Path, Decoder] | None = None
        self._standby: tuple[Path, Decoder] | None = None  # always open: the alert tone
        self.standing_by = threading.Event()  # set while the standby decoder waits to be taken
        self.ready = threading.Event()  # set while an opened file waits to be taken
        self.hits = self.misses = 0
        self._thread = threading.Thread(target=self._work, name="preload", daemon=True)
        self._thread.start()

    def prepare(self, path: Path) -> None:
        """Open `path` soon (returns at once)."""
        self._wanted.put(path)

    def standby(self, path: Path) -> None:
        """Keep a decoder of `path` open at all times, opened again as soon as it is taken:
        for the alert tone, which no forecast can foresee (an emergency comes unannounced)."""
        self._wanted.put((path,))

    def open(self, path: Path, offset: int) -> Decoder:
        """The preloaded (or standby) decoder if it is this file from its start, else the
        file opened now (a decoder prepared for another file stays for a later boundary)."""
        with self._lock:
            ready, standby = self._ready, self._standby
            if ready is not None and ready[0] == path and offset == 0:
                self._ready = None
                self.ready.clear()
                self.hits += 1
                return ready[1]
            if standby is not None and standby[0] == path and offset == 0:
                self._standby = None
                self.standing_by.clear()
                self._wanted.put((path,))
                self.hits += 1
                return standby[1]
        self.misses += 1
        return Decoder(path, offset)

    def close(self) -> None:
        self._wanted.put(None)
        self._thread.join()
        self._swap(None)
        with self._lock:
            standby, self._standby = self._standby, None
        if standby is not None:
            standby[1].close()

    def _work(self) -> None:
        while (wanted := self._wanted.get()) is not None:
            path = wanted[0] if isinstance(wanted, tuple) else wanted
            try:
                decoder = Decoder(path)
            except MediaError:
                continue  # the audio thread will meet the error and skip the item
            if isinstance(wanted, tuple):
                with self._lock:
                    old, self._standby = self._standby, (path, decoder)
                    self.standing_by.set()
                if old is not None:
                    old[1].close()
            else:
                self._swap((path, decoder))

    def _swap(self, ready: tuple[Path, Decoder] | None) -> None:
        with self._lock:
            old, self._ready = self._ready, ready
            if ready is not None:
                self.ready.set()
        if old is not None:
            old[1].close()
