"""Preloading: the next item's file decodes ahead, so that it starts on time and in full.

Whenever the engine's forecast changes (an item starts, a command arrives), the live
driver's follower thread hands the preloader the file of the item that follows the one on
air; the preloader has the feeder (daemon/audio/feed.py) open it and decode its
first seconds. At the boundary the audio thread takes that feed instead of asking for the
file then (which would play silence until decoding catches up: an underrun). A
later forecast may change the choice; the unused feed is then closed. Files no forecast can
foresee stand by: the alert tone (an emergency comes unannounced) and the bed's sting.
"""

from __future__ import annotations

import threading
from pathlib import Path

from daemon.audio.feed import Feed, FeederBase
from daemon.audio.levels import UNITY, Level

__all__ = ["Preloader"]

_Key = tuple[Path, int, bool, Level]  # the file, from which frame, looped, at which level


class Preloader:
    """Feeds opened ahead on `feeder`; `open` is the mixer's opener (the audio thread's)."""

    def __init__(self, feeder: FeederBase) -> None:
        self.feeder = feeder
        self._lock = threading.Lock()  # held for a swap only: the audio thread takes it too
        self._ready: tuple[_Key, Feed] | None = None
        self._standby: dict[_Key, Feed] = {}  # always open, opened again once taken
        self.standing_by = threading.Event()  # set once a standby feed has been opened
        self.ready = threading.Event()  # set while a prepared feed waits to be taken
        self.hits = self.misses = 0

    def prepare(self, path: Path, offset: int = 0, level: Level = UNITY) -> None:
        """Decode `path` ahead from its frame `offset` (a cue point) at `level` (returns at
        once). Not the audio thread."""
        key = (path, offset, False, level)
        with self._lock:
            old = self._ready
            if old is not None and old[0] == key:
                return
            if key in self._standby:
                return  # decoded ahead already: a fresh feed would start with an underrun
            self._ready = (key, self.feeder.open(path, offset, False, level))
            self.ready.set()
        if old is not None:
            old[1].close()

    def standby(
        self, path: Path, loop: bool = False, offset: int = 0, level: Level = UNITY
    ) -> None:
        """Keep a feed of `path` from `offset` (looped with `loop`) at `level` decoded ahead
        at all times."""
        key = (path, offset, loop, level)
        with self._lock:
            if key not in self._standby:
                self._standby[key] = self.feeder.open(*key)
        self.standing_by.set()

    def open(self, path: Path, offset: int, loop: bool = False, level: Level = UNITY) -> Feed:
        """The prepared (or standby) feed if it is this file from this frame at this level,
        else a feed opened now (a feed prepared for another file stays for a later one)."""
        key = (path, offset, loop, level)
        with self._lock:
            ready = self._ready
            if ready is not None and ready[0] == key:
                self._ready = None
                self.ready.clear()
                self.hits += 1
                return ready[1]
            standby = self._standby.get(key)
            if standby is not None:
                self._standby[key] = self.feeder.open(*key)
                self.hits += 1
                return standby
        self.misses += 1
        return self.feeder.open(*key)

    def close(self) -> None:
        with self._lock:
            feeds = [f for _, f in ([self._ready] if self._ready else [])]
            feeds += self._standby.values()
            self._ready, self._standby = None, {}
        for feed in feeds:
            feed.close()
