"""Every toneless pinyin reading of every character pypinyin knows, kept compact.

pypinyin keeps its table as a dict of 41,900 strings: imported, it held 10 MB of the
service's memory for its whole life, to read the few hundred characters of a directory's
names (and of what an operator types). So the table is read from pypinyin once, in a
process of its own (`python -m daemon.switchboard.char_table` writes it to standard
output), and kept here as the sorted code points, an index per code point into the 5,200
distinct readings, and those readings: under 1 MB.

Format on the pipe (between two processes of this Python: native byte order): HEADER
(characters n, distinct readings m), n uint32 code points in ascending order, n uint16
indices, then the m readings as ASCII, one a line, each the character's readings joined by
commas, the commonest first ("" for none).
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from array import array
from bisect import bisect_left
from functools import cache

__all__ = ["CharTable", "char_table"]

HEADER = struct.Struct("=II")


class CharTable:
    """The readings of characters, looked up by code point."""

    def __init__(self, data: bytes) -> None:
        count, distinct = HEADER.unpack_from(data)
        at = HEADER.size
        self._codes = array("I")
        self._codes.frombytes(data[at : at + 4 * count])
        at += 4 * count
        self._index = array("H")
        self._index.frombytes(data[at : at + 2 * count])
        at += 2 * count
        lines = data[at:].decode("ascii").split("\n")
        if len(lines) != distinct or len(self._codes) != count or len(self._index) != count:
            raise ValueError("the character table is cut short")
        self._readings = [tuple(line.split(",")) if line else () for line in lines]

    def readings(self, ch: str) -> tuple[str, ...]:
        """Every toneless reading of one character (ü as v), the commonest first; () if
        pypinyin has none."""
        code = ord(ch)
        at = bisect_left(self._codes, code)
        if at == len(self._codes) or self._codes[at] != code:
            return ()
        return self._readings[self._index[at]]


@cache
def char_table() -> CharTable:
    """The table, read from pypinyin in a process of its own the first time it is asked for."""
    done = subprocess.run(
        [sys.executable, "-m", "daemon.switchboard.char_table"], capture_output=True, check=False
    )
    if done.returncode != 0:
        said = done.stderr.decode(errors="replace").strip().splitlines()
        raise RuntimeError(
            "cannot read pypinyin's character table (the directory's pinyin): "
            f"{said[-1] if said else f'exit {done.returncode}'}; reinstall with `make run`"
        )
    return CharTable(done.stdout)


def _from_pypinyin() -> bytes:
    os.environ["PYPINYIN_NO_PHRASES"] = "1"  # names are not phrases: one character at a time
    os.environ["PYPINYIN_NO_DICT_COPY"] = "1"
    from pypinyin import Style, pinyin
    from pypinyin.pinyin_dict import pinyin_dict

    codes = sorted(pinyin_dict)
    joined = []
    for code in codes:
        found = pinyin(chr(code), style=Style.NORMAL, heteronym=True, errors="ignore")
        readings = [r for r in (found[0] if found else []) if r.isascii() and r.isalpha()]
        joined.append(",".join(dict.fromkeys(readings)))
    distinct = sorted(set(joined))
    place = {readings: n for n, readings in enumerate(distinct)}
    index = array("H", (place[r] for r in joined))
    text = "\n".join(distinct).encode("ascii")
    return (
        HEADER.pack(len(codes), len(distinct))
        + array("I", codes).tobytes()
        + index.tobytes()
        + text
    )


if __name__ == "__main__":
    sys.stdout.buffer.write(_from_pypinyin())
