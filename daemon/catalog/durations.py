"""Durations measured from the audio files themselves, cached on disk between runs.

Contract: `DurationCache.track(path)` never raises for a bad audio file; it returns a `Track`
whose `duration` is seconds (frames / sample rate) or None with `problem` saying why, in words a
person at the service desk can act on. Successful probes are cached under the file's resolved
absolute path, size and mtime_ns, so an edited or replaced file is probed again; failures are
not cached. `save()` writes the cache as JSON atomically, only when something changed. A cache
file that is missing, unreadable or corrupt is ignored and the cache starts empty.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

import miniaudio

from daemon.model import Track

__all__ = ["SUPPORTED_FORMATS", "DurationCache"]

SUPPORTED_FORMATS = "mp3, ogg vorbis, flac, wav"
_FORMAT_BY_SUFFIX = {
    ".mp3": "MP3",
    ".ogg": "Ogg Vorbis",
    ".vorbis": "Ogg Vorbis",
    ".flac": "FLAC",
    ".wav": "WAV",
}
_CACHE_VERSION = 1


@dataclass(frozen=True, slots=True)
class _Entry:
    size: int
    mtime_ns: int
    duration: float

    def matches(self, info: os.stat_result) -> bool:
        return self.size == info.st_size and self.mtime_ns == info.st_mtime_ns


class DurationCache:
    """Probe audio files for their duration, remembering results in `cache_file` (None: memory)."""

    def __init__(self, cache_file: Path | None) -> None:
        self._file = cache_file
        self._entries: dict[str, _Entry] = _load(cache_file) if cache_file is not None else {}
        self._dirty = False

    def track(self, path: Path, title: str | None = None) -> Track:
        """A `Track` for `path`, titled `title` or the file name without its extension."""
        name = title if title is not None else path.stem
        duration, problem = self._probe(path)
        return Track(path=path, title=name, duration=duration, problem=problem)

    def save(self) -> None:
        """Write the cache if anything changed. Raises OSError if it cannot be written."""
        if self._file is None or not self._dirty:
            return
        document = {
            "version": _CACHE_VERSION,
            "entries": {
                key: {"size": e.size, "mtime_ns": e.mtime_ns, "duration": e.duration}
                for key, e in sorted(self._entries.items())
            },
        }
        folder = self._file.parent
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{self._file.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(document, out, ensure_ascii=False, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, self._file)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        self._dirty = False

    def _probe(self, path: Path) -> tuple[float | None, str | None]:
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError):  # a symlink loop
            resolved = path.absolute()
        try:
            info = resolved.stat()
        except (FileNotFoundError, NotADirectoryError):
            return None, "file not found"
        except PermissionError:
            return None, "file cannot be read (permission denied)"
        except OSError as e:
            return None, f"file cannot be read ({e.strerror or type(e).__name__})"
        if stat.S_ISDIR(info.st_mode):
            return None, "not a file (it is a folder)"
        if not stat.S_ISREG(info.st_mode):
            return None, "not a regular file"
        if info.st_size == 0:
            return None, "the file is empty (0 bytes)"
        suffix = resolved.suffix.lower()
        fmt = _FORMAT_BY_SUFFIX.get(suffix)
        if fmt is None:
            found = f"'{suffix}'" if suffix else "no file extension"
            return None, f"unsupported format ({found}); supported: {SUPPORTED_FORMATS}"
        key = str(resolved)
        cached = self._entries.get(key)
        if cached is not None and cached.matches(info):
            return cached.duration, None
        try:
            probed = miniaudio.get_file_info(key)
        except miniaudio.MiniaudioError:
            return None, f"cannot be decoded as {fmt}: damaged, or not really {fmt}"
        except (OSError, UnicodeError) as e:
            return None, f"file cannot be read ({getattr(e, 'strerror', None) or e})"
        frames, rate = int(probed.num_frames), int(probed.sample_rate)
        if frames <= 0 or rate <= 0:
            return None, "no audio in the file (0 frames)"
        duration = frames / rate
        self._entries[key] = _Entry(info.st_size, info.st_mtime_ns, duration)
        self._dirty = True
        return duration, None


def _load(cache_file: Path) -> dict[str, _Entry]:
    """The cached entries, or none if the file is missing, unreadable or not our format."""
    try:
        document = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeError, ValueError):
        return {}
    if not isinstance(document, dict) or document.get("version") != _CACHE_VERSION:
        return {}
    raw = document.get("entries")
    if not isinstance(raw, dict):
        return {}
    entries: dict[str, _Entry] = {}
    for key, value in raw.items():
        if not isinstance(value, dict):
            continue
        size, mtime_ns, duration = (value.get(k) for k in ("size", "mtime_ns", "duration"))
        if (
            isinstance(size, int)
            and isinstance(mtime_ns, int)
            and isinstance(duration, int | float)
            and not isinstance(duration, bool)
            and math.isfinite(duration)
            and duration > 0
        ):
            entries[key] = _Entry(size, mtime_ns, float(duration))
    return entries
