"""Text typed by staff or marketing -> what the Mandarin synthesiser (espeak-ng) should read.

`normalize` is pure and idempotent. Its output holds no ASCII digits, control or format
characters, emoji, pictographs or private-use characters; its punctuation is full-width.
Rules run in one fixed pass list: specific shapes (dates, clock times, plates, phones,
percentages, floors) before generic numbers, then Latin spelling, then punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from daemon.speech.numerals import read_digits, read_number

__all__ = ["normalize", "read_digits", "read_number"]

# --- character classes ----------------------------------------------------------------------

_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "\u2010-\u2027\u3000-\u3006\u3008-\u303f\uff00-\uffef"
_NUMERALS = frozenset("零〇幺两一二三四五六七八九十百千万亿")
_MEASURES = "元块个件位名张只辆次份盒瓶袋箱"  # 2 before these is 两; 层 is a floor (二层)
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领"
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cn", "Co", "Cs", "So"})


def _unspeakable(char: str) -> bool:
    """Control, format, private-use, unassigned, pictograph, or an emoji modifier."""
    return (
        unicodedata.category(char) in _DROPPED_CATEGORIES
        or "\ufe00" <= char <= "\ufe0f"  # variation selectors
        or "\U0001f3fb" <= char <= "\U0001f3ff"  # skin tones
        or "\U000e0100" <= char <= "\U000e01ef"
        or char == "\u20e3"  # combining keycap
    )


# --- whitespace ---------------------------------------------------------------------------

_WHITESPACE = re.compile(r"\s+")
_SPACE_NEAR_PUNCT = re.compile(rf" (?=[{_CJK_PUNCT}])|(?<=[{_CJK_PUNCT}]) ")
_SPACE_BETWEEN_HAN = re.compile(rf"(?<=([{_HAN}])) (?=([{_HAN}]))")


def _drop_han_space(match: re.Match[str]) -> str:
    """A space between two Han characters goes, except between numerals (a phone's pause)."""
    return " " if match[1] in _NUMERALS and match[2] in _NUMERALS else ""


def _tidy_spaces(text: str) -> str:
    text = _WHITESPACE.sub(" ", text).strip()
    return _SPACE_BETWEEN_HAN.sub(_drop_han_space, _SPACE_NEAR_PUNCT.sub("", text))


_DEGREES = re.compile(r"°\s?[Cc]|℃|°")


def _clean(text: str) -> str:
    """Read ℃/° as 摄氏度/度, drop what cannot be spoken, fold widths (NFKC), tidy whitespace.

    Dropping comes before NFKC so that NFKC sees the final neighbours (it never adds
    anything unspeakable), which keeps a second pass from changing the text.
    """
    text = _DEGREES.sub(lambda m: "度" if m[0] == "°" else "摄氏度", _WHITESPACE.sub(" ", text))
    text = "".join(char for char in text if not _unspeakable(char))
    return _tidy_spaces(unicodedata.normalize("NFKC", text))


# --- rules: one pattern and one small function each ------------------------------------------

_THOUSANDS = re.compile(r"(?<![0-9.,:])[0-9]{1,3}(?:,[0-9]{3})+(?![0-9]|,[0-9])")
_YMD = re.compile(r"(?<![0-9.])([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})(?![0-9]|\.[0-9])")
_YEAR = re.compile(r"(?<![0-9.])[0-9]{4}(?=年)")
_CLOCK = r"([0-9]{1,2}):([0-5][0-9])"
_CLOCKS = re.compile(rf"(?<![0-9.:]){_CLOCK}(?:\s?[-~–—]\s?{_CLOCK})?(?![0-9]|:[0-9])")
_HOUR = re.compile(r"(?<![0-9.])([0-9]{1,2})点(?:([0-5][0-9]|[0-9])分)?")
_PLATE = re.compile(rf"([{_PROVINCES}])([A-Z])[·・•\- ]?([A-Z0-9]{{5,6}})(?![A-Za-z0-9])")
_PLATE_TOKEN = re.compile(r"[0-9]+|[A-Z]")
_MOBILE = re.compile(r"(?<![0-9])(1[3-9][0-9])[- ]?([0-9]{4})[- ]?([0-9]{4})(?![0-9])")
_SERVICE = re.compile(r"(?<![0-9])([48]00)[- ]?([0-9]{3})[- ]?([0-9]{4})(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])(0[1-9][0-9]{1,2})[- ]([0-9]{7,8})(?:-([0-9]{1,5}))?(?![0-9])")
_SHORT_NUMBER = re.compile(r"(?<=电话|热线|拨打|致电|分机)([:\s]*)([0-9]{3,8})(?![0-9])")
_PERCENT = re.compile(r"(?<![0-9.])([0-9]+(?:\.[0-9]+)?)\s?%")
_DISCOUNT = re.compile(r"(?<![0-9.])([1-9])(?:\.([0-9]))?(?=折)")
_FLOOR = re.compile(
    r"(?<![A-Za-z0-9.])(?:[Bb](?P<below>[1-9])|(?P<before_f>[0-9]{1,2})[Ff]"
    r"|[FfL](?P<after_f>[0-9]{1,2})|(?P<plain>[0-9]{1,2})(?=[楼层]))"
    r"(?:(?P<unit>[楼层])|(?![A-Za-z0-9_-]))"
)
_YUAN_SIGN = re.compile(r"¥\s?([0-9]+(?:\.[0-9]+)?)元?")
_NUMBER = re.compile(rf"[0-9]+(?:\.[0-9]+)?(?=(?:\s?(?P<unit>[{_MEASURES}]))?)")
_CAPS = re.compile(r"(?<![A-Za-z])[A-Z]{2,4}(?![A-Za-z])")


def _say_ymd(m: re.Match[str]) -> str:
    """2026-11-23, 2026/11/23, 2026.11.23 -> 二零二六年十一月二十三日, if month and day exist."""
    month, day = int(m[3]), int(m[4])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return m[0]
    return f"{read_digits(m[1], yao=False)}年{read_number(str(month))}月{read_number(str(day))}日"


def _say_year(m: re.Match[str]) -> str:
    return read_digits(m[0], yao=False)


def _say_clock(hour: str, minute: str) -> str:
    """22:00 -> 二十二点, 2:00 -> 两点, 10:05 -> 十点零五分; an impossible hour is left alone."""
    if int(hour) > 24:
        return f"{hour}:{minute}"
    spoken = "两" if int(hour) == 2 else read_number(str(int(hour)))
    if int(minute) == 0:
        return f"{spoken}点"
    tens = "零" if minute[0] == "0" else ""
    return f"{spoken}点{tens}{read_number(str(int(minute)))}分"


def _say_clocks(m: re.Match[str]) -> str:
    """One clock time, or a range 10:00-22:00 -> 十点至二十二点."""
    first = _say_clock(m[1], m[2])
    return f"{first}至{_say_clock(m[3], m[4])}" if m[3] else first


def _say_hour(m: re.Match[str]) -> str:
    """22点 -> 二十二点, 2点 -> 两点, 12点05分 -> 十二点零五分; 点 after 24 is not a time."""
    if int(m[1]) > 24:
        return m[0]
    return _say_clock(m[1], f"{int(m[2]):02d}" if m[2] else "00")


def _say_plate(m: re.Match[str]) -> str:
    """京A12345 -> 京 A 幺二三四五: letters one by one, digit runs with 幺."""
    if not any(char.isdigit() for char in m[3]):
        return m[0]
    tokens = _PLATE_TOKEN.findall(m[3])
    return " ".join([m[1], m[2], *(read_digits(t, yao=True) if t.isdigit() else t for t in tokens)])


def _say_phone(m: re.Match[str]) -> str:
    """Groups of a phone number with 幺 for 1, one space between groups (a short pause)."""
    groups = [read_digits(g, yao=True) for g in m.groups() if g]
    return " ".join(groups)


def _say_landline(m: re.Match[str]) -> str:
    """021-62345678-8012 -> 零二幺 六二三四五六七八转八零幺二."""
    spoken = f"{read_digits(m[1], yao=True)} {read_digits(m[2], yao=True)}"
    return f"{spoken}转{read_digits(m[3], yao=True)}" if m[3] else spoken


def _say_short_number(m: re.Match[str]) -> str:
    """分机8012, 拨打110: a short number after a phone word, digit by digit with 幺."""
    return m[1] + read_digits(m[2], yao=True)


def _say_percent(m: re.Match[str]) -> str:
    return "百分之" + ("百" if m[1] == "100" else read_number(m[1]))


def _say_discount(m: re.Match[str]) -> str:
    """8折 -> 八折, 8.5折 -> 八五折 (how shops say it)."""
    return read_digits(m[1] + (m[2] or "").rstrip("0"), yao=False)


def _say_floor(m: re.Match[str]) -> str:
    """B1 -> 负一楼, 3F / F3 / L3 -> 三楼, B1层 -> 负一层, 2层 -> 二层 (a floor is ordinal)."""
    unit = m["unit"] or "楼"
    if m["below"]:
        return f"负{read_number(m['below'])}{unit}"
    return read_number(str(int(m["before_f"] or m["after_f"] or m["plain"]))) + unit


def _say_yuan_sign(m: re.Match[str]) -> str:
    """¥128 -> 128元, left for the number rule so it reads as an amount."""
    return f"{m[1]}元"


def _say_number(m: re.Match[str]) -> str:
    """Any other number. Codes are read digit by digit with 一: a leading 0, or 7+ digits that
    are neither an amount (元/a measure word after) nor round (1-2 digits then zeros: 一亿).
    A lone 2 before 元/a measure word is 两."""
    number, unit = m[0], m["unit"]
    leading_zero = len(number) > 1 and number[0] == "0"
    long_code = len(number) >= 7 and not unit and len(number.rstrip("0")) > 2
    if "." not in number and (leading_zero or long_code):
        return read_digits(number, yao=False)
    return "两" if number == "2" and unit else read_number(number)


def _spell(m: re.Match[str]) -> str:
    """VIP -> V I P: short all-caps runs are spelled; longer or mixed-case words are kept."""
    return " ".join(m[0])


_RULES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (_THOUSANDS, lambda m: m[0].replace(",", "")),
    (_YMD, _say_ymd),
    (_YEAR, _say_year),
    (_CLOCKS, _say_clocks),
    (_HOUR, _say_hour),
    (_PLATE, _say_plate),
    (_MOBILE, _say_phone),
    (_SERVICE, _say_phone),
    (_LANDLINE, _say_landline),
    (_SHORT_NUMBER, _say_short_number),
    (_PERCENT, _say_percent),
    (_DISCOUNT, _say_discount),
    (_FLOOR, _say_floor),
    (_YUAN_SIGN, _say_yuan_sign),
    (_NUMBER, _say_number),
    (_CAPS, _spell),
)

# --- punctuation ----------------------------------------------------------------------------

_ELLIPSIS = re.compile(r"\.{2,}(?:\s?\.{2,})*")  # … is ... after NFKC; … … is one pause
_FULL_STOP = re.compile(r"(?<![A-Za-z])\.|\.(?![A-Za-z])")  # not inside a.b (decimals are gone)
_FULL_WIDTH = str.maketrans(
    {",": "，", "!": "！", "?": "？", ";": "；", ":": "：", "(": "（", ")": "）"}
)


def _punctuate(text: str) -> str:
    text = _FULL_STOP.sub("。", _ELLIPSIS.sub("……", text))
    return text.translate(_FULL_WIDTH)


def normalize(text: str) -> str:
    """What the synthesiser should read for `text`; see the module docstring for guarantees."""
    text = _clean(text)
    for pattern, say in _RULES:
        text = pattern.sub(say, text)
    return _tidy_spaces(_punctuate(text))
