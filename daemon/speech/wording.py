"""Page wording (B11): templates that fix the words, and rules that refuse a bad page.

`word_page(request, rules)` returns the sentence to read, split into parts a phrase bank can
record (fixed template words, honorifics, listed places) and parts only synthesis can say
(names, plates, free-text places, notes). A request that breaks a rule raises `PageRefused`
with an English code and a Chinese message that says exactly what to change.

Every typed value is tidied first (`daemon.speech.spelling`: widths folded, invisible
characters dropped, spaces collapsed and none between CJK characters); the rules check the
tidied value and the tidied value is what airs. A staff page's forbidden words are found
whatever the spelling: spaced out, with zero-width characters, full-width or traditional.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

from daemon.speech.spelling import ForbiddenWords, controls, tidy

__all__ = [
    "DEFAULT_FORBIDDEN",
    "DEFAULT_TEMPLATES",
    "PAGE_KINDS",
    "PageRefused",
    "PageRequest",
    "PagingRules",
    "Part",
    "WordedPage",
    "template_fields",
    "word_page",
]

PAGE_KINDS = ("customer", "staff", "lost_child", "vehicle")
DEFAULT_TEMPLATES = {
    "customer": "来宾{name}{honorific},请听到广播后到{place}。",
    "staff": "本公司{name}{honorific},请听到广播后到{place}。",
    "lost_child": "{name}小朋友的家长请注意,您的孩子正在{place}等您,请听到广播后尽快到{place}。",
    "vehicle": "车牌号为{plate}的车主,请听到广播后到{place}。",
}
FIELDS = {"name", "honorific", "place", "plate"}
DEFAULT_FORBIDDEN = (
    "经理", "主管", "店长", "部长", "总监", "主任", "组长", "课长", "科长", "处长", "领班",
    "总经理", "董事长", "老板", "总裁", "副总", "专员", "督导", "助理", "秘书",
    "保安部", "企划部", "营业部", "财务部", "人事部", "行政部", "工程部", "客服部", "采购部",
    "部门", "办公室主任",
)  # fmt: skip
NAME_LIMIT, PLACE_LIMIT, NOTE_LIMIT = 20, 30, 40
_NAME = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z·• ]+")
_URL = re.compile(r"https?://|www\.|\.(com|cn|net|org)\b", re.IGNORECASE)
_PLATE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][·•]?[A-Z0-9]{5,6}"
)
_HEADERS = {"name": "姓名", "honorific": "称呼", "place": "地点", "plate": "车牌号", "note": "附言"}


class PageRefused(Exception):
    """A page the rules do not allow. `code` is stable English; `message` is for the user."""

    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.field, self.message = code, field, message


@dataclass(frozen=True, slots=True)
class PagingRules:
    """The store's paging settings (config `[paging]`)."""

    templates: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_TEMPLATES))
    honorifics: tuple[str, ...] = ("先生", "小姐", "女士")
    places: tuple[str, ...] = ()
    free_places: bool = True  # any place up to PLACE_LIMIT characters, not only the list
    forbidden: tuple[str, ...] = DEFAULT_FORBIDDEN
    repeat: int = 2


@dataclass(frozen=True, slots=True)
class PageRequest:
    """What the staff member typed or picked."""

    kind: str
    name: str = ""
    honorific: str = ""
    place: str = ""
    plate: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Part:
    """A piece of the sentence; `fixed` pieces may come from an announcer's phrase bank."""

    text: str
    fixed: bool


@dataclass(frozen=True, slots=True)
class WordedPage:
    kind: str
    parts: tuple[Part, ...]

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.parts)


def template_fields(template: str) -> list[str]:
    """The {fields} a template uses, in order. Raises ValueError for a malformed template."""
    return [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]


def word_page(request: PageRequest, rules: PagingRules) -> WordedPage:
    """The page as it will be read, or PageRefused naming the first rule it breaks."""
    if request.kind not in rules.templates:
        kinds = "、".join(rules.templates)
        raise PageRefused(
            "unknown_kind", "kind", f"没有「{request.kind}」这种找人广播,请选:{kinds}。"
        )
    values = {k: _clean(k, getattr(request, k)) for k in ("name", "honorific", "place", "plate")}
    values["plate"] = values["plate"].upper().replace(" ", "")
    note = _clean("note", request.note)
    template = rules.templates[request.kind]
    used = set(template_fields(template))
    for key in ("name", "honorific", "plate", "place"):
        if key in used:
            _check(key, values[key], rules, request.kind)
    if note:
        _check("note", note, rules, request.kind)
    parts: list[Part] = []
    for literal, field_name, _, _ in string.Formatter().parse(template):
        if literal:
            parts.append(Part(literal, True))
        if field_name:
            value = values[field_name]
            parts.append(Part(value, field_name == "honorific" or value in rules.places))
    if note:
        parts.append(Part(note if note[-1] in "。!?" else note + "。", False))
    return WordedPage(request.kind, tuple(parts))


def _clean(key: str, value: str) -> str:
    """The value as it airs (tidied), or PageRefused if a control character is left in it."""
    text = tidy(value)
    if controls(text):
        raise PageRefused("control_chars", key, f"{_HEADERS[key]}里有看不见的控制字符,请重新输入。")
    return text


def _check(key: str, value: str, rules: PagingRules, kind: str) -> None:
    header = _HEADERS[key]
    if not value:
        raise PageRefused(f"{key}_missing", key, f"请填写{header}。")
    if _URL.search(value):
        raise PageRefused("url", key, f"{header}里不能有网址,广播念不出网址。")
    if kind == "staff" and key in ("name", "note"):
        word = ForbiddenWords.of(rules.forbidden).find(value)
        if word is not None:
            raise PageRefused(
                "title_or_department",
                key,
                f"找本公司同事时不要称呼头衔或部门(「{word}」):"
                f"只说「本公司×××先生/小姐」(B11),请删去「{word}」。",
            )
    if key == "name":
        _check_name(value, rules)
    elif key == "honorific" and value not in rules.honorifics:
        choices = "、".join(rules.honorifics)
        raise PageRefused("honorific_unknown", key, f"称呼「{value}」不能用,请选:{choices}。")
    elif key == "place":
        if len(value) > PLACE_LIMIT:
            raise PageRefused(
                "place_too_long", key, f"地点太长({len(value)} 字),最多 {PLACE_LIMIT} 字。"
            )
        if not rules.free_places and value not in rules.places:
            choices = "、".join(rules.places)
            raise PageRefused("place_unknown", key, f"地点「{value}」不在列表里,请选:{choices}。")
    elif key == "plate" and not _PLATE.fullmatch(value):
        raise PageRefused(
            "plate_invalid", key, f"车牌号「{value}」看不懂,请按「京A12345」的样子填写。"
        )
    elif key == "note" and len(value) > NOTE_LIMIT:
        raise PageRefused("note_too_long", key, f"附言太长({len(value)} 字),最多 {NOTE_LIMIT} 字。")


def _check_name(name: str, rules: PagingRules) -> None:
    if len(name) > NAME_LIMIT:
        raise PageRefused(
            "name_too_long", "name", f"姓名太长({len(name)} 字),最多 {NAME_LIMIT} 字。"
        )
    if any(c.isdigit() for c in name):
        raise PageRefused("name_digits", "name", "姓名里不能有数字,请只写姓或姓名。")
    for honorific in rules.honorifics:
        if name.endswith(honorific) and len(name) > len(honorific):
            raise PageRefused(
                "honorific_in_name",
                "name",
                f"姓名里不用写「{honorific}」,请只写姓或姓名,称呼在「称呼」里选。",
            )
    if not _NAME.fullmatch(name):
        bad = "".join(dict.fromkeys(c for c in name if not _NAME.fullmatch(c)))
        raise PageRefused(
            "name_chars", "name", f"姓名里有不能念的字符「{bad}」:只能用汉字、英文字母和间隔号·。"
        )
