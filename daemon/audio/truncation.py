"""Whether a media file ends where it says it does: a copy cut short decodes without an error,
as a shorter song, so `check` asks the file itself.

Contract: `truncated(path, seconds)` returns why the file at `path`, which decoded to
`seconds` of audio, is shorter than it promises, or None when nothing says so. Ogg: the last
page must be whole and marked as the end of its stream (an Ogg file has no length in its
header). RIFF/WAVE: the file must hold the bytes its RIFF header counts. Anything else
(MP3 with a Xing or VBRI header, MP4/M4A, FLAC, WMA): the length the container declares
must not exceed what decoded by more than `SLACK` (2%, at least 1 s). A file whose format
tells nothing (CBR MP3 without a header frame) passes. Never raises for a file it can open.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import BinaryIO

import av

__all__ = ["SLACK", "truncated"]

SLACK = (0.02, 1.0)  # (share, seconds): a declared length within this of the decoded is fine
_OGG_PAGE = 27  # bytes of an Ogg page header before its segment table
_TAIL = 65_536 + 255 * 255 + _OGG_PAGE  # the last page lies within this many bytes of the end


def truncated(path: Path, seconds: float) -> str | None:
    try:
        with path.open("rb") as file:
            head = file.read(12)
            if head.startswith(b"OggS"):
                return _ogg(file, os.fstat(file.fileno()).st_size)
            if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
                promised = struct.unpack("<I", head[4:8])[0] + 8
                size = os.fstat(file.fileno()).st_size
                if size < promised:
                    return f"truncated: its header promises {promised:,} bytes, it has {size:,}"
                return None
    except OSError:
        return None
    return _declared(path, seconds)


def _ogg(file: BinaryIO, size: int) -> str | None:
    start = max(0, size - _TAIL)
    file.seek(start)
    tail: bytes = file.read()
    at = tail.rfind(b"OggS")
    while at >= 0 and len(tail) - at >= _OGG_PAGE:
        segments = tail[at + 26]
        table = tail[at + _OGG_PAGE : at + _OGG_PAGE + segments]
        if len(table) == segments and tail[at + 4] == 0:  # a page header, not a body's "OggS"
            end = at + _OGG_PAGE + segments + sum(table)
            if end > len(tail):
                return "truncated: it ends in the middle of its last Ogg page"
            if not tail[at + 5] & 0x04:
                return "truncated: its last Ogg page is not the end of the stream"
            return None
        at = tail.rfind(b"OggS", 0, at)
    return "truncated: no Ogg page found at its end"


def _declared(path: Path, seconds: float) -> str | None:
    try:
        with av.open(str(path), metadata_errors="replace") as container:
            declared = (container.duration or 0) / av.time_base
    except (av.FFmpegError, OSError, ValueError):
        return None
    share, least = SLACK
    if declared - seconds > max(least, share * declared):
        return f"truncated: it declares {declared:.1f} s but only {seconds:.1f} s decode"
    return None
