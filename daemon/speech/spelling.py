"""Typed text against spelling tricks (B11): what the wording rules check, and what airs.

`tidy(text)` is the text as it airs. Full-width Latin letters and digits and spaces of any
width become ASCII (NFKC); invisible characters (zero-width spaces and joiners, word joiner,
byte-order mark, soft hyphen, direction marks, variation selectors, Hangul fillers) go;
every run of whitespace (tabs and line breaks too) is one space, with none at the ends and
none between two CJK characters ("张 经 理" is "张经理"). Pure and idempotent.

`controls(text)` lists the control and format characters `tidy` leaves (a bell, a direction
override): a page that carries one is refused rather than quietly changed.

`ForbiddenWords(words).find(text)` finds a configured forbidden word however it is spelled:
text and words are compared as folded copies (letters and digits only, so nothing between
the characters counts; case-folded; traditional characters read as simplified). The copy
is only for the comparison: what airs is the tidied text, never converted.

The traditional table is a check against evading the title rule, not a general converter.
It holds one simplified character for each traditional (or Japanese) form of the characters
of titles, departments and workplace words a store is likely to forbid: every default
forbidden word is covered, and `ForbiddenWords.folds` is the part the configured words
need. A character the table does not know is compared as typed, so a configured word with
a rarer character is matched only in the forms written into the config (add both forms).
Look-alikes from other scripts or blocks (Cyrillic letters, CJK radicals) are not folded;
in a name the wording rules refuse them as characters a name cannot have.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["INVISIBLE", "TRADITIONAL", "ForbiddenWords", "controls", "fold", "tidy"]

INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f"
    "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\u3164\ufeff\uffa0"
)  # soft hyphen, joiners, zero-width space, marks, fillers, BOM: nothing to see or say


def _invisible(char: str) -> bool:
    return (
        char in INVISIBLE
        or "\ufe00" <= char <= "\ufe0f"  # variation selectors
        or "\U000e0000" <= char <= "\U000e01ef"  # tags, variation selectors supplement
    )


_WIDE = (  # CJK characters and punctuation: no space between two of them
    "\u2e80-\u2fdf\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0003134f"
)
_WHITESPACE = re.compile(r"\s+")
_WIDE_GAP = re.compile(f"(?<=[{_WIDE}]) (?=[{_WIDE}])")


def tidy(text: str) -> str:
    """The text as it airs: NFKC, no invisible characters, single spaces, none between CJK."""
    text = "".join(c for c in unicodedata.normalize("NFKC", text) if not _invisible(c))
    return _WIDE_GAP.sub("", _WHITESPACE.sub(" ", text).strip())


def controls(text: str) -> str:
    """The control and format characters of `text` that `tidy` keeps, each once, in order."""
    odd = (c for c in text if unicodedata.category(c) in ("Cc", "Cf") and not _invisible(c))
    return "".join(dict.fromkeys(c for c in odd if not c.isspace()))


# Traditional (and Japanese) forms -> simplified, by vocabulary. Pairs, no separator.
_PAIRS = (
    # titles and ranks
    "經经総总總总長长監监組组課课處处領领闆板專专員员導导書书祕秘執执當当負负責责"
    "頭头帶带級级職职師师顧顾問问幹干隊队團团夥伙僱雇"
    # departments and their work
    "劃划營营業业財财務务採采購购門门辦办廠厂會会議议計计記记錄录報报質质檢检驗验"
    "衛卫護护醫医療疗藥药庫库倉仓貨货運运輸输車车輛辆機机電电腦脑資资訊讯網网絡络"
    "設设廣广傳传關关係系聯联協协調调銷销賣卖買买產产産产發发開开後后動动規规則则"
    "紀纪練练訓训評评審审稅税賬账勞劳構构備备維维繕缮屬属幫帮藝艺術术創创體体視视"
    "聽听環环節节約约籌筹實实習习儲储準准號号單单據据費费價价錢钱線线標标綜综"
    # places in a store
    "園园區区場场廳厅館馆樓楼層层潔洁銀银櫃柜臺台檯台廚厨飲饮"
    # Japanese forms of the same characters
    "経经処处専专営营売卖価价労劳関关検检験验発发広广伝传"
)
TRADITIONAL: dict[str, str] = dict(zip(_PAIRS[::2], _PAIRS[1::2], strict=True))


def fold(text: str, table: dict[str, str] = TRADITIONAL) -> str:
    """The copy a forbidden word is looked for in: tidied, case-folded, letters and digits
    only, each character through `table` (traditional -> simplified)."""
    kept = (c for c in tidy(text).casefold() if unicodedata.category(c)[0] in "LN")
    return "".join(table.get(c, c) for c in kept)


class ForbiddenWords:
    """A store's forbidden words (titles, departments), found in any spelling of them."""

    def __init__(self, words: tuple[str, ...]) -> None:
        folded = [(w, fold(w)) for w in words]
        needed = set("".join(f for _, f in folded))
        self.folds = {t: s for t, s in TRADITIONAL.items() if s in needed}
        by_length = sorted((p for p in folded if p[1]), key=lambda p: len(p[1]), reverse=True)
        self._words = [(self._simplified(w), f) for w, f in by_length]

    @staticmethod
    def _simplified(word: str) -> str:
        return "".join(TRADITIONAL.get(c, c) for c in tidy(word))

    def find(self, text: str) -> str | None:
        """The longest forbidden word in `text` (in its simplified form), or None."""
        folded = fold(text, self.folds)
        return next((word for word, f in self._words if f in folded), None)

    @staticmethod
    @functools.lru_cache(maxsize=8)
    def of(words: tuple[str, ...]) -> ForbiddenWords:
        """The matcher of `words`, built once per list."""
        return ForbiddenWords(words)
