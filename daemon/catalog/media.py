"""Every media file measured once, as the mixer plays it, and remembered on disk between runs.

Contract: `MediaCache.track(path)` never raises for a bad audio file; it returns a `Track` whose
`duration` is seconds (the frames `Decoder` gives at 48 kHz, so exactly what the mixer plays,
from its `cue` (the first sound) to its last sound; cut where dead air longer than 15 s
begins, with a `note` saying so) or None with `problem`
saying why, in words a person at the service desk can act on: a file that cannot be decoded,
or that is silent. `analysis(path)` is the
measured `Analysis` of a playable file (None otherwise); any thread may call it. Measurements
are cached under the file's resolved absolute path, size and mtime_ns, so an edited or
replaced file is measured again; failures are not cached. With `verify`, every file is decoded
again once, whatever the cache says. `save()` writes the cache as JSON atomically, only when
something changed. A cache file that is missing, unreadable, corrupt or of an older version is
ignored and the cache starts empty.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import stat
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

from daemon.audio.analysis import BLANK_SECONDS, SILENT_LUFS, Analysis, analyse
from daemon.audio.decode import FORMATS, MediaError
from daemon.audio.format import RATE
from daemon.model import Track

__all__ = ["SUPPORTED_FORMATS", "MediaCache"]

SUPPORTED_FORMATS = FORMATS
_SUFFIXES = {".mp3", ".ogg", ".oga", ".vorbis", ".opus", ".flac", ".wav", ".m4a", ".aac", ".wma"}
_CACHE_VERSION = 5  # 5: true peaks; 4: cue points; 3: decoded by FFmpeg, resampled by swresample


@dataclass(frozen=True, slots=True)
class _Entry:
    size: int
    mtime_ns: int
    analysis: Analysis

    def matches(self, info: os.stat_result) -> bool:
        return self.size == info.st_size and self.mtime_ns == info.st_mtime_ns


class MediaCache:
    """Measure media files, remembering results in `cache_file` (None: in memory only)."""

    def __init__(self, cache_file: Path | None, verify: bool = False) -> None:
        self._file, self._verify = cache_file, verify
        self._entries: dict[str, _Entry] = _load(cache_file) if cache_file is not None else {}
        self._measured: set[str] = set()  # decoded by this cache: trusted even when verifying
        self._known: dict[Path, Analysis] = {}  # by the path as asked for: for the audio thread
        self._dirty = False
        self._lock = threading.Lock()  # the mixer asks from its own thread

    def track(self, path: Path, title: str | None = None) -> Track:
        """A `Track` for `path`, titled `title` or the file name without its extension."""
        name = title if title is not None else path.stem
        measured = self._measure(path)
        if isinstance(measured, str):
            return Track(path=path, title=name, duration=None, problem=measured)
        problem = _unplayable(measured)
        if problem is not None:
            return Track(path=path, title=name, duration=None, problem=problem)
        start, end = measured.cues
        cut, note = measured.blank_from, ""
        if cut is not None:
            minutes, seconds = divmod(int(cut), 60)
            note = (
                f"cut at {minutes}:{seconds:02d}: silent for more than {BLANK_SECONDS:g} s "
                "from there (dead air)"
            )
            end = min(end, round(cut * RATE))
        return Track(path, name, (end - start) / RATE, note=note, cue=start / RATE)

    def analysis(self, path: Path) -> Analysis | None:
        """The measurements of `path` if it can be played, else None. Thread-safe."""
        measured = self._measure(path)
        if isinstance(measured, str) or _unplayable(measured) is not None:
            return None
        return measured

    def known(self, path: Path) -> Analysis | None:
        """What `track` or `analysis` last measured for this very `path`, else None: a dict
        look-up that never touches the disk, for the audio thread (which must not decode)."""
        return self._known.get(path)

    def save(self) -> None:
        """Write the cache if anything changed. Raises OSError if it cannot be written."""
        if self._file is None:
            return
        with self._lock:
            if not self._dirty:
                return
            entries = dict(self._entries)
            self._dirty = False
        try:
            _write(self._file, entries)
        except BaseException:
            with self._lock:
                self._dirty = True
            raise

    def _measure(self, path: Path) -> Analysis | str:
        """The analysis of `path`, from the cache or decoded now, or the problem in words."""
        measured = self._lookup(path)
        if not isinstance(measured, str) and _unplayable(measured) is None:
            self._known[path] = measured
        return measured

    def _lookup(self, path: Path) -> Analysis | str:
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError):  # a symlink loop
            resolved = path.absolute()
        try:
            info = resolved.stat()
        except (FileNotFoundError, NotADirectoryError):
            return "file not found"
        except PermissionError:
            return "file cannot be read (permission denied)"
        except OSError as e:
            return f"file cannot be read ({e.strerror or type(e).__name__})"
        if stat.S_ISDIR(info.st_mode):
            return "not a file (it is a folder)"
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file"
        if info.st_size == 0:
            return "the file is empty (0 bytes)"
        suffix = resolved.suffix.lower()
        if suffix not in _SUFFIXES:
            found = f"'{suffix}'" if suffix else "no file extension"
            return f"unsupported format ({found}); supported: {SUPPORTED_FORMATS}"
        key = str(resolved)
        with self._lock:
            cached = self._entries.get(key)
            trusted = not self._verify or key in self._measured
            if cached is not None and cached.matches(info) and trusted:
                return cached.analysis
        try:  # outside the lock: the mixer's thread must not wait for a whole song's decode
            measured = analyse(resolved)
        except MediaError as e:
            return e.reason
        except (OSError, UnicodeError) as e:
            return f"file cannot be read ({getattr(e, 'strerror', None) or e})"
        if measured.frames <= 0:
            return "no audio in the file (0 frames)"
        with self._lock:
            self._entries[key] = _Entry(info.st_size, info.st_mtime_ns, measured)
            self._measured.add(key)
            self._dirty = True
        return measured


def _unplayable(a: Analysis) -> str | None:
    """Why a file that decodes must not air, or None."""
    if not a.loudness >= SILENT_LUFS:  # -inf: everything gated out
        return f"silent: no sound above {SILENT_LUFS:g} LUFS anywhere in the file"
    if a.blank_from == 0:
        return f"starts with more than {BLANK_SECONDS:g} s of silence"
    return None


def _write(cache_file: Path, entries: dict[str, _Entry]) -> None:
    def level(db: float) -> float | None:  # JSON has no -inf
        return db if math.isfinite(db) else None

    document = {
        "version": _CACHE_VERSION,
        "entries": {
            key: {
                "size": e.size,
                "mtime_ns": e.mtime_ns,
                "frames": e.analysis.frames,
                "loudness": level(e.analysis.loudness),
                "peak_db": level(e.analysis.peak_db),
                "blank_from": e.analysis.blank_from,
                "lead": e.analysis.lead,
                "trail": e.analysis.trail,
            }
            for key, e in sorted(entries.items())
        },
    }
    folder = cache_file.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{cache_file.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(document, out, ensure_ascii=False, indent=1)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, cache_file)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


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
        entry = _entry(value) if isinstance(value, dict) else None
        if entry is not None:
            entries[key] = entry
    return entries


def _entry(value: dict[str, Any]) -> _Entry | None:
    """One cache entry, or None if any field is missing or out of range."""
    size, mtime_ns, frames = (value.get(k) for k in ("size", "mtime_ns", "frames"))
    loudness, peak_db, blank_from = (value.get(k) for k in ("loudness", "peak_db", "blank_from"))
    lead, trail = value.get("lead"), value.get("trail")
    if not (_count(size) and _count(mtime_ns) and _count(frames) and frames > 0):
        return None
    if not (_count(lead) and _count(trail) and lead + trail <= frames):
        return None
    if not all(v is None or _finite(v) for v in (loudness, peak_db, blank_from)):
        return None  # None: -inf for the levels, no dead air for blank_from
    if blank_from is not None and not 0 <= blank_from <= frames / RATE:
        return None
    loudness, peak_db = (-math.inf if v is None else float(v) for v in (loudness, peak_db))
    blank = None if blank_from is None else float(blank_from)
    return _Entry(size, mtime_ns, Analysis(frames, loudness, peak_db, blank, lead, trail))


def _count(v: object) -> TypeGuard[int]:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _finite(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
