"""The scripts library on disk, written by approval (B6): one TOML file per script, each
written atomically (a temporary file beside it, fsync, rename, fsync of the folder), so the
folder holds only whole files, stays readable and diffable by hand, and is what the day plan
reads. Checking a script means loading it exactly as the library loader will.
"""

from __future__ import annotations

import os
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

__all__ = [
    "approved_fields",
    "check_script",
    "file_for",
    "remove_script",
    "script_text",
    "write_script",
]

_ORDER = ("id", "kind", "title", "text", "approved_by", "approved_at")  # first in the file


def script_text(fields: dict[str, Any], note: str = "") -> str:
    """The TOML file for `fields` (the keys a script file has), the usual keys first."""
    ordered = {k: fields[k] for k in _ORDER if k in fields}
    ordered.update((k, v) for k, v in sorted(fields.items()) if k not in ordered)
    head = "".join(f"# {line}\n" for line in note.splitlines())
    return head + tomli_w.dumps(ordered)


def check_script(
    fields: dict[str, Any], zones: Iterable[str], dayparts: Iterable[str]
) -> tuple[Script | None, list[Problem]]:
    """The script `fields` make, loaded as the library loader loads a file, or every problem
    with it (`where` is the key). Recorded audio is not taken here."""
    with tempfile.TemporaryDirectory(prefix="mall-pa-script-") as folder:
        path = Path(folder) / "script.toml"
        path.write_text(script_text(fields), encoding="utf-8")
        try:
            [script] = load_scripts(Path(folder), _no_audio, zones, dayparts)
        except InputError as err:
            return None, [Problem(Path("script"), p.where, p.expected, p.found, p.hint)
                          for p in err.problems]  # fmt: skip
    return script, []


def _no_audio(path: Path) -> Track:
    raise ValueError(f"{path}: recordings are not taken through the workflow")


def file_for(folder: Path, script_id: str) -> Path:
    """The library file that holds `script_id` (by its `id` key), else `<id>.toml`."""
    for file in sorted(folder.glob("*.toml")):
        try:
            if read_toml(file, "script").get("id") == script_id:
                return file
        except InputError:
            continue
    return folder / f"{script_id}.toml"


def write_script(path: Path, text: str) -> None:
    """Replace `path` with `text` atomically: readers see the old file or the new, whole."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
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
