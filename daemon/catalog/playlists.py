"""Read M3U / M3U8 playlists into entries, and say plainly what is wrong with them.

Contract of `read_playlist(path)`:

* Accepts plain and extended M3U: an optional `#EXTM3U` header, `#EXTINF:<secs>,<title>` lines
  (the title names the next path), other `#` lines ignored, blank lines skipped, LF, CRLF or CR
  line ends, UTF-8 with or without BOM, UTF-16 with BOM, else GB18030 (which covers GBK).
* The artist of an entry (for artist separation): an `#EXTART:<artist>` line before its path,
  else what comes before the first " - " of an `#EXTINF` title (`#EXTINF:123,Artist - Title`),
  else "" (unknown). File names are never read for an artist.
* Relative paths resolve against the playlist's folder; `\\` separators become `/`; absolute
  paths are kept; `file://` URLs become paths (percent-decoded).
* Entries whose files are missing are still returned: the caller skips them and the music goes
  on. Lines that are network URLs are left out and reported as `Problem`s, one per line.
* Raises `InputError` when the playlist is missing, a folder, unreadable, not text in any of
  those encodings, or lists no tracks at all.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from daemon.catalog.problems import InputError, Problem
from daemon.files import NotAFile, read_regular

__all__ = ["PlaylistEntry", "read_playlist"]

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+://")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:/")
_LINE_END = re.compile(r"\r\n|\r|\n")
_ARTIST_DASH = re.compile(r"\s[-\u2013\u2014]\s")  # "Artist - Title": the first spaced dash
_SAVE_AS_UTF8 = "save the playlist as UTF-8 (in Notepad: File > Save As, Encoding: UTF-8)"


@dataclass(frozen=True, slots=True)
class PlaylistEntry:
    """One track listed in a playlist; `line` is the 1-based line of its path."""

    path: Path
    title: str
    line: int
    artist: str = ""


def read_playlist(path: Path) -> tuple[list[PlaylistEntry], list[Problem]]:
    """Parse the playlist at `path`; return its entries and the per-line problems."""
    text = _decode(path, _read_bytes(path))
    folder = Path(os.path.abspath(path)).parent
    entries: list[PlaylistEntry] = []
    problems: list[Problem] = []
    title: str | None = None
    artist = ""  # from #EXTART, for the next path
    for number, raw in enumerate(_LINE_END.split(text), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if line[:8].upper() == "#EXTINF:":
                title = _extinf_title(line[8:])
            elif line[:8].upper() == "#EXTART:":
                artist = line[8:].strip()
            continue
        if _URL.match(line) and not line.lower().startswith("file://"):
            problems.append(
                Problem(
                    file=path,
                    where=f"line {number}",
                    expected="a file path",
                    found=f"a URL ({line})",
                    hint="mall-pa plays local files only; download the file and list its path",
                )
            )
            title, artist = None, ""
            continue
        track = _to_path(line, folder)
        named = artist or _artist_of(title)
        entries.append(PlaylistEntry(track, title or track.stem, number, named))
        title, artist = None, ""
    if not entries:
        problems.append(
            Problem(
                file=path,
                where="",
                expected="at least one track",
                found="none",
                hint="list one audio file path per line (lines starting with # are comments)",
            )
        )
        raise InputError(problems)
    return entries, problems


def _fail(path: Path, expected: str, found: str, hint: str) -> InputError:
    return InputError([Problem(file=path, where="", expected=expected, found=found, hint=hint)])


MAX_PLAYLIST = 50_000_000  # bytes: some 500,000 entries


def _read_bytes(path: Path) -> bytes:
    expected = "a playlist file (.m3u or .m3u8)"
    try:
        return read_regular(path, MAX_PLAYLIST)
    except FileNotFoundError:
        hint = "check the folder and the file name (.m3u or .m3u8) in the configuration"
        raise _fail(path, expected, "no file at this path", hint) from None
    except IsADirectoryError:
        raise _fail(path, expected, "a folder", "name the .m3u file inside the folder") from None
    except NotAFile as e:
        raise _fail(path, expected, str(e.strerror), "name the .m3u file itself") from None
    except PermissionError:
        hint = "let the mall-pa service account read the file"
        raise _fail(
            path, expected, "a file that cannot be read (permission denied)", hint
        ) from None
    except OSError as e:
        reason = e.strerror or type(e).__name__
        raise _fail(path, expected, f"a file that cannot be read ({reason})", "") from None


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    first_error: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as e:
            first_error = first_error or e
            continue
        if "\x00" in text:
            found = "binary data (a NUL byte); is this an audio file rather than a playlist?"
            raise _fail(path, "a text playlist", found, "")
        return text
    assert first_error is not None
    found = f"bytes that are not text in these (first bad byte at offset {first_error.start})"
    raise _fail(path, "a text playlist in UTF-8 or GB18030/GBK", found, _SAVE_AS_UTF8)


def _extinf_title(rest: str) -> str | None:
    """`rest` is what follows `#EXTINF:`: a duration, maybe attributes, then `,title`."""
    quoted = False
    for i, char in enumerate(rest):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            return rest[i + 1 :].strip() or None
    return None


def _artist_of(title: str | None) -> str:
    """The artist of an `#EXTINF` title "Artist - Title" (also with an en or em dash)."""
    if title is None:
        return ""
    match = _ARTIST_DASH.search(title)
    return title[: match.start()].strip() if match else ""


def _to_path(line: str, folder: Path) -> Path:
    if line.lower().startswith("file://"):
        url = urlsplit(line)
        local = unquote(url.path)
        if _WINDOWS_DRIVE.match(local.lstrip("/")):
            return Path(local.lstrip("/"))  # file:///C:/Music/a.mp3
        if url.netloc and url.netloc.lower() != "localhost":
            return Path(f"//{url.netloc}{local}")  # a network share: file://server/share/a.mp3
        return Path(local)
    text = line.replace("\\", "/")
    if _WINDOWS_DRIVE.match(text):
        return Path(text)  # a drive path: absolute on Windows, left as written elsewhere
    candidate = Path(text)
    if candidate.is_absolute():
        return candidate
    return Path(os.path.normpath(folder / candidate))
