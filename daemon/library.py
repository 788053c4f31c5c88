"""The scripts library on disk, written by approval (B6): one TOML file per script, each
written atomically (a temporary file beside it, fsync, rename, fsync of the folder), so the
folder holds only whole files, stays readable and diffable by hand, and is what the day plan
reads. Checking a script means loading it exactly as the library loader will.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import tomli_w

from daemon.catalog.fields import read_toml
from daemon.catalog.problems import InputError, Problem
from daemon.catalog.scripts import load_scripts
from daemon.model import Script, Track
from daemon.speech.audio import Audio
from daemon.speech.cache import wav_seconds

__all__ = [
    "RECORDING",
    "approved_fields",
    "check_script",
    "file_for",
    "keep_recording",
    "recording_file",
    "recordings_of",
    "remove_script",
    "script_text",
    "write_script",
]

RECORDING = re.compile(r"rec-[0-9a-f]{16}\.wav")
"""The name of a version's recording (`keep_recording`)."""

_ORDER = ("id", "kind", "title", "text", "approved_by", "approved_at")  # first in the file


def script_text(fields: dict[str, Any], note: str = "") -> str:
    """The TOML file for `fields` (the keys a script file has), the usual keys first."""
    ordered = {k: fields[k] for k in _ORDER if k in fields}
    ordered.update((k, v) for k, v in sorted(fields.items()) if k not in ordered)
    head = "".join(f"# {line}\n" for line in note.splitlines())
    return head + tomli_w.dumps(ordered)


def check_script(
    fields: dict[str, Any],
    zones: Iterable[str],
    dayparts: Iterable[str],
    recordings: Path | None = None,
) -> tuple[Script | None, list[Problem]]:
    """The script `fields` make, loaded as the library loader loads a file, or every problem
    with it (`where` is the key). An `audio` key names a WAV in `recordings` (`keep_recording`);
    without `recordings` none is taken."""
    with tempfile.TemporaryDirectory(prefix="mall-pa-script-") as folder:
        path = Path(folder) / "script.toml"
        if recordings is not None and "audio" in fields:
            fields = {**fields, "audio": str(recordings / str(fields["audio"]))}
        path.write_text(script_text(fields), encoding="utf-8")
        probe = _no_audio if recordings is None else _recording
        try:
            [script] = load_scripts(Path(folder), probe, zones, dayparts)
        except InputError as err:
            return None, [Problem(Path("script"), p.where, p.expected, p.found, p.hint)
                          for p in err.problems]  # fmt: skip
    return script, []


def _no_audio(path: Path) -> Track:
    raise ValueError(f"{path}: recordings are not taken here")


def _recording(path: Path) -> Track:
    """A recording `keep_recording` wrote (a WAV whose length its header says)."""
    if not RECORDING.fullmatch(path.name) or not path.is_file():
        return Track(path, path.name, None, "the recording is no longer there: record it again")
    return Track(path, path.name, wav_seconds(path))


def keep_recording(folder: Path, audio: Audio) -> str:
    """Write a decoded recording into `folder` (a version's, until approval copies it into
    the library); returns its file name, the same for the same sound."""
    name = f"rec-{hashlib.sha256(audio.pcm16()).hexdigest()[:16]}.wav"
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / name).exists():
        audio.write_wav(folder / name)
    return name


def recording_file(library: Path, script_id: str, version: int) -> Path:
    """Where an approved version's recording lives in the library: beside its script's TOML
    file, named for the version, so that a new one never replaces the one the file on air
    names before the file itself is replaced."""
    return library / f"{script_id}-v{version}.wav"


def recordings_of(library: Path, script_id: str) -> list[Path]:
    """Every version's recording of `script_id` in the library."""
    named = re.compile(rf"{re.escape(script_id)}-v[0-9]+\.wav")
    return sorted(p for p in library.glob("*.wav") if named.fullmatch(p.name))


def file_for(folder: Path, script_id: str) -> Path:
    """The library file that holds `script_id` (by its `id` key), else `<id>.toml`."""
    for file in sorted(folder.glob("*.toml")):
        try:
            if read_toml(file, "script").get("id") == script_id:
                return file
        except InputError:
            continue
    return folder / f"{script_id}.toml"


def write_script(path: Path, text: str | bytes) -> None:
    """Replace `path` with `text` (or bytes) atomically: readers see the old file or the new,
    whole."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def remove_script(path: Path) -> None:
    """Take a retired script's file out of the library (the store keeps its versions)."""
    path.unlink(missing_ok=True)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def approved_fields(fields: dict[str, Any], by: str, on: date) -> dict[str, Any]:
    """The fields with the approval recorded (B6: who approved it, and on which day)."""
    return {**fields, "approved_by": by, "approved_at": on.isoformat()}
