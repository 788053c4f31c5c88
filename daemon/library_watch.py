"""Whether the scripts library changed on disk: an approval wrote a file, or someone edited
one by hand. The fingerprint is every `*.toml` file's name, size and modification time (a
rename into place, as approval does, changes the time even at the same size)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["LibraryWatch"]


def fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """(name, size, mtime in ns) of each script file, sorted; () for a missing folder."""
    try:
        files = sorted(f for f in folder.iterdir() if f.suffix.lower() == ".toml")
    except OSError:
        return ()
    out = []
    for file in files:
        try:
            stat = file.stat()
        except OSError:
            continue  # gone between the listing and now: the next look sees it
        out.append((file.name, stat.st_size, stat.st_mtime_ns))
    return tuple(out)


class LibraryWatch:
    """`changed()` is True once after each change since the last call (first: the state at
    construction counts as seen)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._seen = fingerprint(folder)

    def changed(self) -> bool:
        now = fingerprint(self.folder)
        if now == self._seen:
            return False
        self._seen = now
        return True
