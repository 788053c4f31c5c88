"""The config's `[speech]` and `[paging]` sections (both optional; defaults speak calmly).

[speech]
engine = "espeak-ng"          # or "piper" with model = "voices/zh_CN-xxx.onnx"
rate = 90                     # percent of the engine's normal speed
pitch = 50                    # 0-100 (espeak-ng)
volume = 100                  # percent of the house speech level
voice_pack = "voice-pack"     # an announcer's recorded phrases (optional)
cache_megabytes = 200

[paging]
repeat = 2
honorifics = ["先生", "小姐", "女士"]
places = ["一楼服务台", ...]   # offered on the phone page; recordable in a voice pack
free_places = true            # also accept other places up to 30 characters
forbidden_words = [...]       # titles and departments a staff page may not carry (B11)
[paging.templates]
staff = "本公司{name}{honorific},请听到广播后到{place}。"
"""

from __future__ import annotations

from pathlib import Path

from daemon.catalog.fields import Fields, describe
from daemon.speech.settings import ENGINES, SpeechSettings, VoiceSettings
from daemon.speech.wording import DEFAULT_FORBIDDEN, DEFAULT_TEMPLATES, PagingRules, template_fields

__all__ = ["MAX_REPEAT", "speech_settings"]

MAX_REPEAT = 4  # times a page is read: each reading is some 10 s

_ALLOWED_FIELDS = {
    "customer": {"name", "honorific", "place"},
    "staff": {"name", "honorific", "place"},
    "lost_child": {"name", "place"},
    "vehicle": {"plate", "place"},
}
_B11_WORDING = {"customer": "来宾{name}{honorific}", "staff": "本公司{name}{honorific}"}


def speech_settings(root: Fields, base: Path) -> SpeechSettings:
    """Read both sections; problems go to `root`'s list."""
    speech = root.sub("speech", required=False)
    speech.only(["engine", "rate", "pitch", "volume", "model", "voice_pack", "cache_megabytes"])
    engine = speech.choice("engine", ENGINES, "espeak-ng")
    model = speech.path("model", base, required=engine == "piper")
    voice = VoiceSettings(
        engine=engine,
        rate=_within(speech, "rate", 90, 50, 200),
        pitch=_within(speech, "pitch", 50, 0, 100),
        volume=_within(speech, "volume", 100, 10, 400),
        model=model,
    )
    pack = speech.path("voice_pack", base, required=False)
    if pack is not None and not pack.is_dir():
        speech.problem("voice_pack", "a folder of phrase recordings", f"{pack} (no such folder)")
        pack = None
    cache = speech.integer("cache_megabytes", 200, 10, 100_000) or 200
    return SpeechSettings(voice, _paging(root.sub("paging", required=False)), pack, cache)


def _within(fields: Fields, key: str, default: int, low: int, high: int) -> int:
    value = fields.integer(key, default, low, high)
    return default if value is None else value


def _paging(fields: Fields) -> PagingRules:
    fields.only(["repeat", "honorifics", "places", "free_places", "forbidden_words", "templates"])
    repeat = fields.integer("repeat", 2, 1, MAX_REPEAT) or 2  # each reading ~10 s
    honorifics = fields.texts("honorifics") or ("先生", "小姐", "女士")
    places = fields.texts("places")
    free = fields.table.get("free_places", True)
    if not isinstance(free, bool):
        fields.problem("free_places", "true or false", describe(free), "write true or false")
        free = True
    forbidden = fields.texts("forbidden_words") if "forbidden_words" in fields.table else None
    templates = dict(DEFAULT_TEMPLATES)
    table = fields.sub("templates", required=False)
    table.only(DEFAULT_TEMPLATES)
    for kind in DEFAULT_TEMPLATES:
        template = table.text(kind, required=False)
        if template is not None and _template_ok(table, kind, template):
            templates[kind] = template
    if not free and not places:
        fields.problem("places", "the list of places when free_places = false", "none")
    return PagingRules(
        templates, honorifics, places, free, DEFAULT_FORBIDDEN if forbidden is None else forbidden,
        repeat,
    )  # fmt: skip


def _template_ok(table: Fields, kind: str, template: str) -> bool:
    try:
        used = set(template_fields(template))
    except ValueError as error:
        table.problem(
            kind, "a template with {fields} in braces", f'"{template}" ({error})',
            "write { and } only around name, honorific, place or plate",
        )  # fmt: skip
        return False
    allowed = _ALLOWED_FIELDS[kind]
    if used - allowed or "place" not in used:
        fields = ", ".join("{" + f + "}" for f in sorted(allowed))
        table.problem(
            kind,
            f"a template using only {fields}, {{place}} included",
            f'"{template}"',
            f'the default is "{DEFAULT_TEMPLATES[kind]}"',
        )
        return False
    wording = _B11_WORDING.get(kind)
    if wording and wording not in template:
        table.problem(
            kind,
            f'a template that says "{wording}" (B11: no titles or departments)',
            f'"{template}"',
            f'keep "{wording}" and change only the rest',
        )
        return False
    return True
