"""normalize: typed text -> what the Mandarin synthesiser reads; one table per rule family."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from daemon.speech.normalize import normalize, read_digits, read_number

PHONE = "幺三八 幺二三四 五六七八"
YMD = "二零二六年十一月二十三日"

WIDTH_AND_PUNCTUATION = [
    ("１２３", "一百二十三"),
    ("ＡＢ", "A B"),
    ("Ｓｔａｒｂｕｃｋｓ", "Starbucks"),
    ("欢迎光临,祝您购物愉快.", "欢迎光临，祝您购物愉快。"),
    ("欢迎光临，祝您购物愉快。", "欢迎光临，祝您购物愉快。"),
    ("注意!", "注意！"),
    ("在哪里?", "在哪里？"),
    ("第一;第二", "第一；第二"),
    ("提示:请排队", "提示：请排队"),
    ("(限时)特惠", "（限时）特惠"),
    ("全场3.5元.", "全场三点五元。"),
    ("请稍候...", "请稍候……"),
    ("请稍候…", "请稍候……"),
    ("www.example.com", "www.example.com"),
    ("请  注意\t\n安全", "请注意安全"),
    ("　欢迎　光临　", "欢迎光临"),
    ("欢迎光临 , 谢谢", "欢迎光临，谢谢"),
    ("Hello   world", "Hello world"),
    ("欢迎 Starbucks 顾客", "欢迎 Starbucks 顾客"),
]

UNSPEAKABLE = [
    ("欢迎光临😀", "欢迎光临"),
    ("点赞👍🏽", "点赞"),
    ("❤️会员日", "会员日"),
    ("家庭👨\u200d👩\u200d👧活动", "家庭活动"),
    ("中国🇨🇳加油", "中国加油"),
    ("★新品★上市", "新品上市"),
    ("限时\u200b特惠", "限时特惠"),
    ("\ufeff欢迎", "欢迎"),
    ("限时\x07特惠\x00", "限时特惠"),
    ("私用\ue000字符", "私用字符"),
    ("欢迎\u00a0光临", "欢迎光临"),
    ("1️⃣号门", "一号门"),
    ("室外气温26℃", "室外气温二十六摄氏度"),
]

PHONES = [
    ("13812345678", PHONE),
    ("138-1234-5678", PHONE),
    ("138 1234 5678", PHONE),
    ("咨询请拨打13812345678。", f"咨询请拨打{PHONE}。"),
    ("021-62345678", "零二幺 六二三四五六七八"),
    ("0755-1234567", "零七五五 幺二三四五六七"),
    ("021-62345678-8012", "零二幺 六二三四五六七八转八零幺二"),
    ("400-820-1234", "四零零 八二零 幺二三四"),
    ("4008201234", "四零零 八二零 幺二三四"),
    ("800-820-8820", "八零零 八二零 八八二零"),
    ("分机8012", "分机八零幺二"),
    ("服务热线12345", "服务热线幺二三四五"),
    ("请拨打110", "请拨打幺幺零"),
    ("请致电:12315", "请致电：幺二三幺五"),
    ("电话 62345678", "电话六二三四五六七八"),
    ("12345", "一万两千三百四十五"),  # no phone word: a number
]

PLATES = [
    ("京A12345", "京 A 幺二三四五"),
    ("沪B·D12345", "沪 B D 幺二三四五"),
    ("粤B D1234F", "粤 B D 幺二三四 F"),
    ("粤BD12345", "粤 B D 幺二三四五"),
    ("车牌号为浙A0B123的车主", "车牌号为浙 A 零 B 幺二三的车主"),
    ("北京ABCDEF", "北京ABCDEF"),  # no digit: not a plate
]

CLOCK_TIMES = [
    ("22:00", "二十二点"),
    ("10:30", "十点三十分"),
    ("10:05", "十点零五分"),
    ("9:00", "九点"),
    ("2:00", "两点"),
    ("12:15", "十二点十五分"),
    ("0:30", "零点三十分"),
    ("24:00", "二十四点"),
    ("10：30", "十点三十分"),
    ("22点", "二十二点"),
    ("2点半", "两点半"),
    ("12点05分", "十二点零五分"),
    ("营业时间10:00-22:00", "营业时间十点至二十二点"),
    ("10:00~22:00", "十点至二十二点"),
    ("比分3:2", "比分三：二"),  # one-digit minutes: not a time
]

DATES = [
    ("2026年11月23日", YMD),
    ("2021年", "二零二一年"),
    ("2026年", "二零二六年"),
    ("11月23日", "十一月二十三日"),
    ("11月23号", "十一月二十三号"),
    ("2月2日", "二月二日"),
    ("2026-11-23", YMD),
    ("2026/11/23", YMD),
    ("2026.11.23", YMD),
    ("活动于2026-11-23举行", f"活动于{YMD}举行"),
]

PERCENT_AND_DISCOUNT = [
    ("50%", "百分之五十"),
    ("12.5%", "百分之十二点五"),
    ("100%", "百分之百"),
    ("5%", "百分之五"),
    ("５０％", "百分之五十"),
    ("8折", "八折"),
    ("8.5折", "八五折"),
    ("全场7.5折起", "全场七五折起"),
    ("2折", "二折"),
]

FLOORS = [
    ("B1", "负一楼"),
    ("B2", "负二楼"),
    ("3F", "三楼"),
    ("3f", "三楼"),
    ("F3", "三楼"),
    ("L3", "三楼"),
    ("1楼", "一楼"),
    ("12楼", "十二楼"),
    ("B1层", "负一层"),
    ("2层", "二层"),
    ("2楼", "二楼"),
    ("请到B1停车场", "请到负一楼停车场"),
    ("请到 3F 服务台", "请到三楼服务台"),
    ("AB1", "A B一"),  # inside a Latin word: not a floor
]

NUMBERS = [
    ("128元", "一百二十八元"),
    ("¥128", "一百二十八元"),
    ("￥128", "一百二十八元"),
    ("¥128元", "一百二十八元"),
    ("99.9元", "九十九点九元"),
    ("1,280元", "一千二百八十元"),
    ("2件", "两件"),
    ("2 件", "两件"),
    ("2个", "两个"),
    ("2位", "两位"),
    ("2元", "两元"),
    ("¥2", "两元"),
    ("22件", "二十二件"),
    ("3个", "三个"),
    ("2", "二"),
    ("0", "零"),
    ("10", "十"),
    ("15", "十五"),
    ("20", "二十"),
    ("105", "一百零五"),
    ("110", "一百一十"),
    ("200", "二百"),
    ("1005", "一千零五"),
    ("1050", "一千零五十"),
    ("2000", "两千"),
    ("10000", "一万"),
    ("12000", "一万两千"),
    ("20000", "两万"),
    ("100010", "十万零一十"),
    ("100000000", "一亿"),
    ("200000000", "两亿"),
    ("15000000", "一千五百万"),  # round: a quantity, not a code
    ("3.14", "三点一四"),
    ("0.5", "零点五"),
    ("1234567元", "一百二十三万四千五百六十七元"),
    ("订单号20261123001", "订单号二零二六一一二三零零一"),
    ("会员卡号1234567", "会员卡号一二三四五六七"),
    ("007号", "零零七号"),
]

LATIN = [
    ("VIP会员", "V I P会员"),
    ("ATM机", "A T M机"),
    ("WC", "W C"),
    ("B区", "B区"),
    ("欢迎 VIP 会员", "欢迎 V I P 会员"),
    ("Starbucks", "Starbucks"),
    ("iPhone", "iPhone"),
    ("VIPs", "VIPs"),
    ("HELLO", "HELLO"),
]

READ_NUMBER = [
    ("0", "零"),
    ("2", "二"),
    ("10", "十"),
    ("101000", "十万一千"),
    ("1001000", "一百万一千"),
    ("100001000", "一亿零一千"),
    ("100000001", "一亿零一"),
    ("2200", "两千二百"),
    ("220000", "二十二万"),
    ("007", "七"),
    ("10.05", "十点零五"),
    ("1000000000000", "一零零零零零零零零零零零零"),
]

READ_DIGITS = [
    ("110", True, "幺幺零"),
    ("110", False, "一一零"),
    ("2026", False, "二零二六"),
]

TABLES = [
    WIDTH_AND_PUNCTUATION,
    UNSPEAKABLE,
    PHONES,
    PLATES,
    CLOCK_TIMES,
    DATES,
    PERCENT_AND_DISCOUNT,
    FLOORS,
    NUMBERS,
    LATIN,
]


@pytest.mark.parametrize(("text", "spoken"), WIDTH_AND_PUNCTUATION)
def test_width_punctuation_and_whitespace(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), UNSPEAKABLE)
def test_controls_emoji_and_private_use_are_dropped(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), PHONES)
def test_phone_numbers_are_read_digit_by_digit_with_yao(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), PLATES)
def test_licence_plates(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), CLOCK_TIMES)
def test_clock_times(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), DATES)
def test_dates(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), PERCENT_AND_DISCOUNT)
def test_percentages_and_discounts(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), FLOORS)
def test_floors(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), NUMBERS)
def test_amounts_quantities_and_codes(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), LATIN)
def test_short_capitals_are_spelled(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("digits", "spoken"), READ_NUMBER)
def test_read_number(digits: str, spoken: str) -> None:
    assert read_number(digits) == spoken


@pytest.mark.parametrize(("digits", "yao", "spoken"), READ_DIGITS)
def test_read_digits(digits: str, yao: bool, spoken: str) -> None:
    assert read_digits(digits, yao=yao) == spoken


@pytest.mark.parametrize("bad", ["", "1.", ".5", "-3", "1,000", "１２", "12a"])
def test_read_number_rejects_non_numbers(bad: str) -> None:
    with pytest.raises(ValueError):
        read_number(bad)


@pytest.mark.parametrize("bad", ["", "12-34", "１２", "3.5"])
def test_read_digits_rejects_non_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        read_digits(bad, yao=False)


# --- properties over every table input plus seeded random text --------------------------------

_ALPHABET = (
    list("0123456789０１２３４５６７８９ABCDFLVIPbfz")
    + list("京沪粤欢迎光临请到楼层元件个点半年月日号折电话热线分机拨打的")
    + list(",.!?;:()%-/·¥￥ 　\t\n，。！？：～…")
    + ["😀", "👍🏽", "🇨🇳", "\u200d", "\ufe0f", "\u20e3", "\x07", "\u200b", "\ue000", "★", "℃"]
)


def _random_text(seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 40)))


CORPUS = [text for table in TABLES for text, _ in table] + [_random_text(s) for s in range(300)]
_ASCII_DIGIT = re.compile(r"[0-9]")
_UNSPEAKABLE_CATEGORIES = {"Cc", "Cf", "Cn", "Co", "Cs", "So"}


@pytest.mark.parametrize("text", CORPUS)
def test_output_has_no_digits_controls_or_emoji(text: str) -> None:
    spoken = normalize(text)
    assert not _ASCII_DIGIT.search(spoken)
    assert not {unicodedata.category(c) for c in spoken} & _UNSPEAKABLE_CATEGORIES
    assert not any("\ufe00" <= c <= "\ufe0f" or "\U0001f3fb" <= c <= "\U0001f3ff" for c in spoken)
    assert spoken == spoken.strip()
    assert "  " not in spoken


@pytest.mark.parametrize("text", CORPUS)
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
