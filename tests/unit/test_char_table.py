"""The compact character table reads every character as pypinyin does, without pypinyin's
10 MB in the reading process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from daemon.switchboard.char_table import HEADER, CharTable, char_table

ROOT = Path(__file__).resolve().parents[2]


def pypinyin_readings(ch: str) -> tuple[str, ...]:
    """What the directory asked pypinyin for, before the table."""
    from pypinyin import Style, pinyin

    found = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(
        dict.fromkeys(r for r in (found[0] if found else []) if r.isascii() and r.isalpha())
    )


def test_every_character_reads_as_pypinyin_reads_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYPINYIN_NO_PHRASES", "1")
    from pypinyin.pinyin_dict import pinyin_dict

    table = char_table()
    others = [0x41, 0x31, 0x3000, 0x1F600, max(pinyin_dict) + 1]  # letters, digits, emoji
    for code in [*pinyin_dict, *others]:
        assert table.readings(chr(code)) == pypinyin_readings(chr(code)), hex(code)


def test_surnames_have_all_their_readings() -> None:
    table = char_table()
    assert {"shan", "dan", "chan"} <= set(table.readings("单"))
    assert {"zeng", "ceng"} <= set(table.readings("曾"))
    assert table.readings("绿")[0] == "lv"


def test_a_table_cut_short_is_refused() -> None:
    data = HEADER.pack(2, 1) + (0x4E00).to_bytes(4, sys.byteorder)
    with pytest.raises(ValueError, match="cut short"):
        CharTable(data)


def test_a_directory_leaves_pypinyin_out_of_the_process() -> None:
    code = (
        "import datetime, json, sys\n"
        "from daemon.switchboard.directory import Directory\n"
        "from daemon.switchboard.people import Person\n"
        "d = Directory([Person(id='1', name='单田芳', extension='8001')])\n"
        "found = d.search('shan', datetime.datetime(2026, 12, 4, 10))\n"
        "print(json.dumps([len(found), sorted(sys.modules)]))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYPINYIN")}
    ran = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True)  # fmt: skip
    found, modules = json.loads(ran.stdout)
    assert found == 1
    assert not [m for m in modules if m.startswith("pypinyin")]
