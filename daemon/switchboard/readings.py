"""The readings of a name: every pinyin reading of every character (at most `MAX_READINGS`
combinations), the surname's own reading first (单 Shàn, 曾 Zēng, 区 Ōu), and the folding
of what a caller types (full-width, tone marks, ü). Pure, but that the first reading of a
character reads pypinyin's table once, in a process of its own (char_table.py)."""

from __future__ import annotations

import heapq
import re
import unicodedata
from functools import lru_cache

from daemon.switchboard.char_table import char_table

MAX_READINGS = 32
"""Readings (combinations of the readings of each character) indexed per name."""

SURNAME_READINGS: dict[str, str] = {
    # one character: the surname reading where it is not the everyday one
    "单": "shan", "單": "shan", "曾": "zeng", "区": "ou", "區": "ou", "仇": "qiu",
    "解": "xie", "查": "zha", "朴": "piao", "乐": "yue", "樂": "yue", "盖": "ge",
    "蓋": "ge", "缪": "miao", "繆": "miao", "翟": "zhai", "覃": "qin", "尉": "wei",
    "种": "chong", "種": "chong", "员": "yun", "員": "yun", "召": "shao", "秘": "bi",
    "句": "gou", "折": "she", "繁": "po", "华": "hua", "任": "ren", "洗": "xian",
    "谌": "chen", "能": "nai", "黑": "he", "隗": "wei", "訾": "zi", "那": "na",
    "燕": "yan", "莘": "shen", "应": "ying", "祭": "zhai", "纪": "ji", "过": "guo",
    "长": "chang", "藏": "zang", "宿": "su", "都": "du", "哈": "ha", "贾": "jia",
    # two characters (compound surnames): read as one
    "单于": "chan yu", "尉迟": "yu chi", "万俟": "mo qi", "长孙": "zhang sun",
    "澹台": "tan tai", "令狐": "ling hu", "宇文": "yu wen", "司马": "si ma",
}  # fmt: skip
"""Surname readings (toneless pinyin, syllables split by spaces) that rank first: for a
name starting with a compound surname (two characters) or one of these characters."""


def is_han(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3134F
    )


def fold_text(text: str) -> str:
    """Compare-ready text: half-width, lower case, no tone marks, no spaces or apostrophes."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = unicodedata.normalize("NFD", text).replace("u\u0308", "v")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"[\s'’‘`·・.\-_]+", "", text)


def pinyin_key(text: str) -> str:
    """Folded text for comparing pinyin: ü, v and u are one letter (lü = lv = lu)."""
    return text.replace("v", "u")


@lru_cache(maxsize=8192)
def _char_readings(ch: str) -> tuple[str, ...]:
    """Every toneless reading of one character, the commonest first; () if it has none."""
    return tuple(dict.fromkeys(pinyin_key(r) for r in char_table().readings(ch)))


def syllable_choices(name: str) -> list[tuple[str, ...]]:
    """The name as syllables, each with its readings (first: the one ranked first).

    A run of Latin letters or digits is one syllable read as written; other characters
    (spaces, ·, hyphens) only separate.
    """
    choices: list[tuple[str, ...]] = []
    folded = unicodedata.normalize("NFKC", name).casefold()
    for run in re.findall(r"[a-z0-9]+|[^\sa-z0-9]+", folded):
        if run.isascii():
            choices.append((pinyin_key(run),))
            continue
        han = "".join(ch for ch in run if is_han(ch))
        if han:
            choices.extend(r for r in map(_char_readings, han) if r)
    stripped = name.strip()
    surname = next(
        (s for s in (stripped[:2], stripped[:1]) if s in SURNAME_READINGS),
        None,
    )
    if surname is not None and choices and is_han(stripped[0]):
        syllables = SURNAME_READINGS[surname].split()
        for place, syllable in enumerate(syllables[: len(choices)]):
            rest = tuple(r for r in choices[place] if r != syllable)
            choices[place] = (syllable, *rest)
    return choices


def name_readings(name: str) -> list[tuple[str, ...]]:
    """Up to `MAX_READINGS` readings of a name (syllable tuples), the first-ranked first,
    then those differing least from it (by the sum of the readings' places)."""
    choices = syllable_choices(name)
    if not choices:
        return []
    start = (0,) * len(choices)
    heap: list[tuple[int, tuple[int, ...]]] = [(0, start)]
    seen = {start}
    out: list[tuple[str, ...]] = []
    while heap and len(out) < MAX_READINGS:
        cost, picks = heapq.heappop(heap)
        out.append(tuple(choices[i][p] for i, p in enumerate(picks)))
        for i, p in enumerate(picks):
            if p + 1 < len(choices[i]):
                nxt = (*picks[:i], p + 1, *picks[i + 1 :])
                if nxt not in seen:
                    seen.add(nxt)
                    heapq.heappush(heap, (cost + 1, nxt))
    return out
