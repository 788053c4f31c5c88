"""Chinese readings of ASCII numbers: as a quantity (read_number) or one digit at a time."""

from __future__ import annotations

import re

__all__ = ["read_digits", "read_number"]

_DIGITS = "零一二三四五六七八九"
_PLACES = ("千", "百", "十", "")
_SECTIONS = ("", "万", "亿")  # 4-digit sections; 10**12 and up is read digit by digit
_NUMBER_SHAPE = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def read_digits(digits: str, *, yao: bool) -> str:
    """ASCII digits one by one: 0 is 零, 1 is 幺 when `yao` (phones, plates) else 一."""
    if not digits or digits.strip("0123456789"):
        raise ValueError(f"read_digits wants ASCII digits, got {digits!r}")
    spoken = "".join(_DIGITS[int(d)] for d in digits)
    return spoken.replace("一", "幺") if yao else spoken


def read_number(digits: str) -> str:
    """An ASCII integer or decimal ("1050", "3.14") as a Chinese number: 一千零五十, 三点一四.

    Leading 十 has no 一 (十五, but 一百一十); 2 is 两 as the leading digit of 千 and as a
    whole 万/亿 section (两千, 两万, 一万两千) but 二 elsewhere (二十, 二百, 二). Integers of
    10**12 and up are read digit by digit; the fraction always is. Raises ValueError otherwise.
    """
    if not _NUMBER_SHAPE.fullmatch(digits):
        raise ValueError(f"read_number wants an integer or decimal, got {digits!r}")
    whole, _, fraction = digits.partition(".")
    spoken = _read_integer(whole)
    return f"{spoken}点{read_digits(fraction, yao=False)}" if fraction else spoken


def _read_integer(whole: str) -> str:
    value = int(whole)
    if value == 0:
        return "零"
    if value >= 10**12:
        return read_digits(whole, yao=False)
    sections = [(value // 10 ** (4 * i)) % 10000 for i in range(len(_SECTIONS))]
    out: list[str] = []
    gap = False  # a zero section since the last spoken one
    for index in reversed(range(len(_SECTIONS))):
        section, unit = sections[index], _SECTIONS[index]
        if section == 0:
            gap = bool(out)
            continue
        if out and (gap or section < 1000):
            out.append("零")
        out.append(("两" if section == 2 and unit else _read_section(section)) + unit)
        gap = False
    spoken = "".join(out)
    return spoken[1:] if spoken.startswith("一十") else spoken


def _read_section(section: int) -> str:
    out: list[str] = []
    zero = False
    for place, char in zip(_PLACES, f"{section:04d}", strict=True):
        digit = int(char)
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(("两" if digit == 2 and place == "千" else _DIGITS[digit]) + place)
    return "".join(out)
