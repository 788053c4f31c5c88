"""B11: pages are worded by templates, and a page that breaks a wording rule is refused."""

from __future__ import annotations

import pytest

from daemon.speech.wording import PageRefused, PageRequest, PagingRules, Part, word_page

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
        (PageRequest("customer", "张\u200b", "先生", "一楼"), "control_chars", "name", "控制字符"),
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
