"""Page wording from the default templates (B11): 来宾/本公司 ×××先生/小姐, then the place."""

from __future__ import annotations

__all__ = ["PAGE_KINDS", "word_page"]

PAGE_KINDS = ("customer", "staff", "lost_child", "vehicle")

_TEMPLATES = {
    "customer": "来宾{name}{honorific},请听到广播后到{place}。",
    "staff": "本公司{name}{honorific},请听到广播后到{place}。",
    "lost_child": "{name}小朋友的家长请注意,您的孩子正在{place}等您,请听到广播后尽快到{place}。",
    "vehicle": "车牌号为{plate}的车主,请听到广播后到{place}。",
}


def word_page(
    kind: str, *, name: str = "", honorific: str = "", place: str, plate: str = "", note: str = ""
) -> str:
    """The sentence read for one page. `kind` is one of PAGE_KINDS; `note` is appended."""
    text = _TEMPLATES[kind].format(name=name, honorific=honorific, place=place, plate=plate)
    return f"{text}{note.strip()}" if note.strip() else text
