"""Files a person names: read only if regular, written only over a regular file or nothing.

Contract: `read_regular(path, limit)` returns the bytes of a regular file (symlinks to one are
fine), opened without blocking: a FIFO, a device or a socket raises `NotAFile` (an OSError
whose `strerror` says what the path is: "a FIFO (named pipe), not a file"), as does a file
over `limit` bytes; a folder raises IsADirectoryError.
`check_target(path)` raises `NotAFile` unless `path` is absent or a regular file (a symlink
is refused too: renaming over it would replace the link, writing through it a file
elsewhere). `replace_file(path, write)` has `write` fill a hidden temporary file in the same
folder, flushes it to the disk, checks the target again and renames the file over it; on
any failure the target is untouched and the temporary file removed.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = ["NotAFile", "check_target", "read_regular", "replace_file", "what_is"]


class NotAFile(OSError):
    """A path that is not a regular file where one is needed (or one too large)."""

    def __init__(self, path: Path, strerror: str) -> None:
        super().__init__(errno.EINVAL, strerror, str(path))


def what_is(mode: int) -> str:
    """What a non-regular file is, in words ("a FIFO (named pipe)", "a device", ...)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them (see the module)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "a folder, not a file", str(path))
        if not stat.S_ISREG(info.st_mode):
            raise NotAFile(path, f"{what_is(info.st_mode)}, not a file")
        if info.st_size > limit:
            raise NotAFile(path, f"a file of {info.st_size:,} bytes, over the {limit:,} allowed")
        with os.fdopen(fd, "rb", closefd=False) as file:
            data = file.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise NotAFile(path, f"a file of over the {limit:,} bytes allowed")
    return data


def check_target(path: Path) -> None:
    """Nothing, if `path` may be written: absent, or a regular file (see the module)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(info.st_mode):
        raise NotAFile(path, f"{what_is(info.st_mode)}: mall-pa writes only new or regular files")


def replace_file(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write `path` anew through a temporary file (see the module)."""
    path = Path(path)
    check_target(path)
    temp = path.with_name(f".{path.name}.{os.getpid()}-{os.urandom(4).hex()}.part")
    try:
        with temp.open("xb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        check_target(path)  # it may have become something else meanwhile
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
