"""The render cache: each distinct rendering is made once and kept as a WAV file.

Keys are content hashes of everything that changes the sound (engine identity, text,
repeats, levels), so a changed voice setting can never serve stale audio. The folder is
bounded: when it grows past `max_bytes`, the least recently used files go first, but a
file used within `keep_seconds` (a day) is never deleted, since today's plan may still
air it; on a very busy day the folder may pass its bound until those files age.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
import wave
from pathlib import Path

from daemon.speech.audio import Audio

__all__ = ["RenderCache", "cache_key", "wav_seconds"]


def cache_key(*parts: str) -> str:
    """A stable file-name-safe key for the given parts."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return digest[:40]


def wav_seconds(path: Path) -> float:
    """The length of a WAV file in seconds, from its header."""
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


class RenderCache:
    """WAV files in `folder`, at most `max_bytes` in all. Safe to use from several threads."""

    def __init__(self, folder: Path, max_bytes: int, keep_seconds: float = 86_400) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.keep_seconds = keep_seconds
        self._lock = threading.Lock()
        self._total: int | None = None

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.wav"

    def get(self, key: str) -> Path | None:
        """The cached file for `key`, marked as just used (its access time: its modification
        time stays, so that the media cache's measurement of it stays valid), or None."""
        path = self.path(key)
        try:
            os.utime(path, ns=(time.time_ns(), path.stat().st_mtime_ns))
        except FileNotFoundError:
            return None
        return path

    def put(self, key: str, audio: Audio) -> Path:
        """Store `audio` under `key` and return its file; evict old files beyond the bound."""
        path = self.path(key)
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            if self._total is None:
                self._total = self.size()
            audio.write_wav(path)
            self._total += path.stat().st_size
            if self._total > self.max_bytes:
                self._total = self._evict(keep=path)
        return path

    def prune(self) -> int:
        """Evict beyond the bound now (the nightly upkeep); returns the bytes left."""
        with self._lock:
            if not self.folder.is_dir():
                return 0
            self._total = self._evict(keep=self.folder / "-")
            return self._total

    def size(self) -> int:
        """Bytes used by cached files."""
        return (
            sum(f.stat().st_size for f in self.folder.glob("*.wav")) if self.folder.is_dir() else 0
        )

    def _evict(self, keep: Path) -> int:
        """Delete least recently used files until within bounds; return the bytes left."""
        stats = [(f, f.stat()) for f in self.folder.glob("*.wav")]
        files = [(max(st.st_atime, st.st_mtime), st.st_size, f) for f, st in stats]
        total = sum(size for _, size, _ in files)
        recent = time.time() - self.keep_seconds
        for used, size, file in sorted(files):
            if total <= self.max_bytes or used >= recent:
                break
            if file != keep:
                file.unlink(missing_ok=True)
                total -= size
        return total
