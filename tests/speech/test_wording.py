"""B11: pages are worded by templates, and a page that breaks a wording rule is refused."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from daemon.speech.spelling import ForbiddenWords
from daemon.speech.wording import (
    DEFAULT_FORBIDDEN,
    PageRefused,
    PageRequest,
    PagingRules,
    Part,
    word_page,
)

RULES = PagingRules(places=("一楼服务台", "三楼办公室"))


def refusal(request: PageRequest, rules: PagingRules = RULES) -> PageRefused:
    with pytest.raises(PageRefused) as caught:
        word_page(request, rules)
    return caught.value


@pytest.mark.parametrize(
    ("request_", "text"),
    [
        (
            PageRequest("customer", "张", "先生", "一楼服务台"),
            "来宾张先生,请听到广播后到一楼服务台。",
        ),
        (
            PageRequest("staff", "李", "小姐", "三楼办公室"),
            "本公司李小姐,请听到广播后到三楼办公室。",
        ),
        (
            PageRequest("lost_child", "小明", place="一楼服务台"),
            "小明小朋友的家长请注意,您的孩子正在一楼服务台等您,请听到广播后尽快到一楼服务台。",
        ),
        (
            PageRequest("vehicle", plate="粤b d1234f", place="停车场入口"),
            "车牌号为粤BD1234F的车主,请听到广播后到停车场入口。",
        ),
        (
            PageRequest("customer", "Mary Lee", "女士", "一楼服务台", note="您的包已找到"),
            "来宾Mary Lee女士,请听到广播后到一楼服务台。您的包已找到。",
        ),
        (
            PageRequest("customer", "欧阳·娜娜", "小姐", " 一楼服务台 "),
            "来宾欧阳·娜娜小姐,请听到广播后到一楼服务台。",
        ),
    ],
)
def test_default_templates_word_each_kind(request_: PageRequest, text: str) -> None:
    assert word_page(request_, RULES).text == text


def test_fixed_parts_are_template_words_honorifics_and_listed_places() -> None:
    page = word_page(PageRequest("customer", "张", "先生", "一楼服务台", note="请带好证件"), RULES)
    assert page.parts == (
        Part("来宾", True),
        Part("张", False),
        Part("先生", True),
        Part(",请听到广播后到", True),
        Part("一楼服务台", True),
        Part("。", True),
        Part("请带好证件。", False),
    )
    free = word_page(PageRequest("customer", "张", "先生", "星巴克门口"), RULES)
    assert Part("星巴克门口", False) in free.parts


@pytest.mark.parametrize("word", ["经理", "店长", "保安部", "企划部", "主管", "总监", "组长"])
def test_staff_page_with_a_title_or_department_is_refused_naming_it(word: str) -> None:
    refused = refusal(PageRequest("staff", f"王{word}", "先生", "一楼服务台"))
    assert refused.code == "title_or_department"
    assert refused.field == "name"
    assert f"「{word}」" in refused.message and "本公司" in refused.message
    in_note = refusal(PageRequest("staff", "王", "先生", "一楼服务台", note=f"{word}找您"))
    assert (in_note.code, in_note.field) == ("title_or_department", "note")


def test_longest_forbidden_word_is_named() -> None:
    refused = refusal(PageRequest("staff", "王总经理", "先生", "一楼服务台"))
    assert "「总经理」" in refused.message


def test_forbidden_list_is_configurable_and_applies_to_staff_only() -> None:
    rules = PagingRules(forbidden=("队长",))
    assert refusal(PageRequest("staff", "赵队长", "先生", "一楼"), rules).code == (
        "title_or_department"
    )
    assert word_page(PageRequest("staff", "赵经理", "先生", "一楼"), rules)  # not in this list
    assert word_page(PageRequest("customer", "王经理", "先生", "一楼"), RULES)  # customers: B11 n/a


@pytest.mark.parametrize(
    ("request_", "code", "field", "says"),
    [
        (PageRequest("customer", "", "先生", "一楼服务台"), "name_missing", "name", "请填写姓名"),
        (
            PageRequest("customer", "张" * 21, "先生", "一楼服务台"),
            "name_too_long",
            "name",
            "21 字",
        ),
        (PageRequest("customer", "张3", "先生", "一楼服务台"), "name_digits", "name", "数字"),
        (PageRequest("customer", "张@", "先生", "一楼服务台"), "name_chars", "name", "「@」"),
        (
            PageRequest("customer", "张先生", "先生", "一楼服务台"),
            "honorific_in_name",
            "name",
            "先生",
        ),
        (PageRequest("customer", "张", "", "一楼服务台"), "honorific_missing", "honorific", "称呼"),
        (
            PageRequest("customer", "张", "同学", "一楼服务台"),
            "honorific_unknown",
            "honorific",
            "先生、小姐、女士",
        ),
        (PageRequest("customer", "张", "先生", ""), "place_missing", "place", "地点"),
        (PageRequest("customer", "张", "先生", "楼" * 31), "place_too_long", "place", "31 字"),
        (PageRequest("customer", "张", "先生", "www.shop.com"), "url", "place", "网址"),
        (
            PageRequest("customer", "张", "先生", "一楼", note="见 http://x.cn"),
            "url",
            "note",
            "网址",
        ),
        (PageRequest("customer", "张\u202e", "先生", "一楼"), "control_chars", "name", "控制字符"),
        (PageRequest("customer", "张", "先生", "一楼\x07"), "control_chars", "place", "控制字符"),
        (
            PageRequest("customer", "张", "先生", "一楼", note="字" * 41),
            "note_too_long",
            "note",
            "41",
        ),
        (
            PageRequest("vehicle", plate="12345", place="停车场"),
            "plate_invalid",
            "plate",
            "京A12345",
        ),
        (PageRequest("vehicle", plate="", place="停车场"), "plate_missing", "plate", "车牌号"),
        (PageRequest("taxi", "张", "先生", "一楼"), "unknown_kind", "kind", "customer"),
    ],
)
def test_each_rule_refuses_with_a_specific_message(
    request_: PageRequest, code: str, field: str, says: str
) -> None:
    refused = refusal(request_)
    assert (refused.code, refused.field) == (code, field)
    assert says in refused.message
    assert str(refused) == f"{code}: {refused.message}"


def test_places_can_be_limited_to_the_list() -> None:
    rules = PagingRules(places=("一楼服务台",), free_places=False)
    refused = refusal(PageRequest("customer", "张", "先生", "二楼"), rules)
    assert refused.code == "place_unknown" and "一楼服务台" in refused.message
    assert word_page(PageRequest("customer", "张", "先生", "一楼服务台"), rules)


def test_a_configured_template_is_used() -> None:
    rules = PagingRules(templates={"customer": "请来宾{name}{honorific}到{place}。"})
    page = word_page(PageRequest("customer", "张", "小姐", "服务台"), rules)
    assert page.text == "请来宾张小姐到服务台。"


# --- spelling tricks (issue 12, item 3) -------------------------------------------------------

SPACES = " \u3000\u00a0\u2002\u2003\u2009\u200a\u202f\u205f\t\n"  # ASCII to ideographic
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # spaces, joiners, word joiner, BOM, SHY
TRADITIONAL_FORMS = {  # every default forbidden word as a Taiwan or Hong Kong desk types it
    "经理": "經理", "主管": "主管", "店长": "店長", "部长": "部長", "总监": "總監",
    "主任": "主任", "组长": "組長", "课长": "課長", "科长": "科長", "处长": "處長",
    "领班": "領班", "总经理": "總經理", "董事长": "董事長", "老板": "老闆", "总裁": "總裁",
    "副总": "副總", "专员": "專員", "督导": "督導", "助理": "助理", "秘书": "祕書",
    "保安部": "保安部", "企划部": "企劃部", "营业部": "營業部", "财务部": "財務部",
    "人事部": "人事部", "行政部": "行政部", "工程部": "工程部", "客服部": "客服部",
    "采购部": "採購部", "部门": "部門", "办公室主任": "辦公室主任",
}  # fmt: skip


def aired(request: PageRequest, rules: PagingRules = RULES) -> str:
    return word_page(request, rules).text


@pytest.mark.parametrize(
    ("typed", "on_air"),
    [
        ("张\u200b", "张"),
        ("李\u00ad小\ufeff红", "李小红"),
        ("欧阳\u3000娜娜", "欧阳娜娜"),
        ("欧 阳 娜 娜", "欧阳娜娜"),
        ("张\t伟", "张伟"),
        ("Ｍａｒｙ\u00a0\u2009 Lee", "Mary Lee"),
        ("\u2003王\u200d", "王"),
    ],
)
def test_widths_spaces_and_zero_width_characters_are_tidied_and_the_tidy_text_airs(
    typed: str, on_air: str
) -> None:
    page = word_page(PageRequest("customer", typed, "先生", "一楼服务台"), RULES)
    assert Part(on_air, False) in page.parts
    assert page.text == f"来宾{on_air}先生,请听到广播后到一楼服务台。"


def test_a_tidied_place_and_honorific_are_the_listed_ones_and_a_plate_reads() -> None:
    page = word_page(PageRequest("customer", "张", "先\u200b生", "一 楼\u3000服务台"), RULES)
    assert Part("先生", True) in page.parts and Part("一楼服务台", True) in page.parts
    vehicle = PageRequest("vehicle", plate="粤Ｂ\u3000ｄ１２３４Ｆ", place="停车场")
    assert aired(vehicle) == "车牌号为粤BD1234F的车主,请听到广播后到停车场。"


def test_controls_that_are_not_spelling_are_still_refused() -> None:
    for typed in ("张\x07", "张\u202e伟", "张\u2066伟"):
        assert refusal(PageRequest("customer", typed, "先生", "一楼")).code == "control_chars"


@pytest.mark.parametrize(
    "typed",
    ["张 经 理", "张\u3000经\u3000理", "张经\u200b理", "张经\u00ad理", "张经·理",
     "张经\u2060\ufeff理", "张ＣＥＯ", "张 c e o"],
)  # fmt: skip
def test_a_title_spelled_out_to_slip_past_the_rule_is_refused(typed: str) -> None:
    rules = PagingRules(forbidden=(*DEFAULT_FORBIDDEN, "CEO"))
    refused = refusal(PageRequest("staff", typed, "先生", "一楼服务台"), rules)
    assert (refused.code, refused.field) == ("title_or_department", "name")
    word = "CEO" if "e" in typed.casefold() or "Ｅ" in typed else "经理"
    assert f"请删去「{word}」" in refused.message
    in_note = refusal(PageRequest("staff", "张", "先生", "一楼", note=f"{typed[1:]} 找您"), rules)
    assert (in_note.code, in_note.field) == ("title_or_department", "note")


def test_the_traditional_forms_cover_every_default_forbidden_word() -> None:
    assert set(TRADITIONAL_FORMS) == set(DEFAULT_FORBIDDEN)


@pytest.mark.parametrize(("simplified", "traditional"), sorted(TRADITIONAL_FORMS.items()))
def test_a_title_in_traditional_characters_is_refused_naming_the_simplified_word(
    simplified: str, traditional: str
) -> None:
    refused = refusal(PageRequest("staff", f"王{traditional}", "先生", "一楼服务台"))
    assert refused.code == "title_or_department"
    assert f"「{simplified}」" in refused.message and "本公司" in refused.message


@pytest.mark.parametrize(
    ("typed", "word"), [("王秘書", "秘书"), ("王総監", "总监"), ("王店⾧", "店长")]
)
def test_variant_japanese_and_radical_forms_are_refused(typed: str, word: str) -> None:
    assert f"「{word}」" in refusal(PageRequest("staff", typed, "先生", "一楼")).message


def test_a_configured_word_is_found_in_any_form_and_only_its_characters_are_folded() -> None:
    rules = PagingRules(forbidden=("队长", "經理"))  # a word may be configured in traditional
    assert "「队长」" in refusal(PageRequest("staff", "赵隊 長", "先生", "一楼"), rules).message
    assert "「经理」" in refusal(PageRequest("staff", "赵经理", "先生", "一楼"), rules).message
    folds = ForbiddenWords(rules.forbidden).folds
    assert folds == {"隊": "队", "長": "长", "經": "经", "経": "经"}


def test_names_air_as_typed_not_converted() -> None:
    assert (
        aired(PageRequest("staff", "張偉", "先生", "一楼")) == "本公司張偉先生,请听到广播后到一楼。"
    )
    assert "來賓" not in aired(PageRequest("customer", "陳", "小姐", "一楼"))


def _compatibility_forms(char: str) -> list[str]:
    """Characters NFKC folds into `char`: full-width Latin, CJK radicals and compatibility
    ideographs (U+2F00-2FDF, U+F900-FAFF, U+2F800-2FA1F, U+FF00-FFEF)."""
    ranges = [(0x2F00, 0x2FE0), (0xF900, 0xFB00), (0x2F800, 0x2FA20), (0xFF00, 0xFFF0)]
    return [
        chr(c) for a, b in ranges for c in range(a, b)
        if chr(c) != char and unicodedata.normalize("NFKC", chr(c)) == char
    ]  # fmt: skip


LATIN_WORDS = ("CEO", "HR部")
FORMS = {
    word: [
        sorted({s, t, *_compatibility_forms(s), *_compatibility_forms(t)})
        for s, t in zip(word, TRADITIONAL_FORMS.get(word, word), strict=True)
    ]
    for word in (*DEFAULT_FORBIDDEN, *LATIN_WORDS)
}
for _word in LATIN_WORDS:  # lower case as well
    FORMS[_word] = [sorted({*f, *(c.lower() for c in f)}) for f in FORMS[_word]]


@st.composite
def spelled(draw: st.DrawFn) -> tuple[str, str]:
    """(a forbidden word, that word with each character in one of its forms and any run of
    spaces or zero-width characters between the characters)."""
    word = draw(st.sampled_from(sorted(FORMS)))
    gaps = st.text(st.sampled_from(SPACES + ZERO_WIDTH), max_size=3)
    chars = [draw(st.sampled_from(forms)) for forms in FORMS[word]]
    return word, chars[0] + "".join(draw(gaps) + c for c in chars[1:])


@settings(max_examples=300, deadline=None)
@given(spelled(), st.sampled_from(["name", "note"]))
def test_property_a_forbidden_word_in_any_spelling_is_refused_naming_it(
    case: tuple[str, str], where: str
) -> None:
    word, typed = case
    rules = PagingRules(forbidden=(*DEFAULT_FORBIDDEN, *LATIN_WORDS))
    request = (
        PageRequest("staff", f"王{typed}", "先生", "一楼")
        if where == "name"
        else PageRequest("staff", "王", "先生", "一楼", note=f"请{typed}回电")
    )
    refused = refusal(request, rules)
    assert (refused.code, refused.field) == ("title_or_department", where)
    assert f"请删去「{word}」" in refused.message


def _wide(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or char > "\U0001ffff"


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["customer", "staff"]),
    st.text(
        st.sampled_from("张李欧阳娜偉經理Ｍary·" + SPACES + ZERO_WIDTH), min_size=1, max_size=12
    ),
    st.sampled_from(["先生", "小\u200b姐", "女 士"]),
    st.text(st.sampled_from("一二楼服务台ＡB1" + SPACES + ZERO_WIDTH), min_size=1, max_size=12),
    st.text(st.sampled_from("请带好证件ＯＫ!" + SPACES + ZERO_WIDTH), max_size=12),
)
def test_property_what_airs_has_no_zero_width_or_odd_whitespace(
    kind: str, name: str, honorific: str, place: str, note: str
) -> None:
    try:
        page = word_page(PageRequest(kind, name, honorific, place, note=note), RULES)
    except PageRefused:
        return
    text = page.text
    assert not set(text) & set(ZERO_WIDTH)
    assert all(c == " " or not c.isspace() for c in text), ascii(text)
    assert "  " not in text
    assert all(
        not (_wide(a) and b == " " and _wide(c))
        for a, b, c in zip(text, text[1:], text[2:], strict=False)
    ), ascii(text)
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in text)
    assert not any("\uff01" <= c <= "\uff5e" for c in page.parts[1].text)  # the name: no
    # full-width Latin left
