"""The config's [speech] and [paging] sections: defaults, settings, and every mistake named."""

from __future__ import annotations

from pathlib import Path

import pytest

from daemon.catalog.config import load_config
from daemon.speech.wording import DEFAULT_FORBIDDEN, DEFAULT_TEMPLATES
from tests.unit.test_config import GOOD, problems_of, write


def found(tmp_path: Path, extra: str) -> list[tuple[str, str, str]]:
    return [(p.where, p.expected, p.found) for p in problems_of(write(tmp_path, GOOD + extra))]


def test_defaults_speak_calmly_with_the_standard_templates(tmp_path: Path) -> None:
    speech = load_config(write(tmp_path, GOOD)).speech
    assert (speech.voice.engine, speech.voice.rate, speech.voice.volume) == ("espeak-ng", 90, 100)
    assert speech.paging.templates == DEFAULT_TEMPLATES
    assert speech.paging.forbidden == DEFAULT_FORBIDDEN
    assert (speech.paging.repeat, speech.voice_pack, speech.cache_megabytes) == (2, None, 200)


def test_settings_are_read(tmp_path: Path) -> None:
    (tmp_path / "pack").mkdir()
    speech = load_config(
        write(
            tmp_path,
            GOOD
            + '[speech]\nrate = 80\npitch = 40\nvolume = 120\nvoice_pack = "pack"\n'
            + '[paging]\nrepeat = 3\nplaces = ["一楼服务台"]\nfree_places = false\n'
            + 'forbidden_words = ["队长"]\n[paging.templates]\n'
            + 'staff = "请本公司{name}{honorific}到{place}。"\n',
        )
    ).speech
    assert (speech.voice.rate, speech.voice.pitch, speech.voice.volume) == (80, 40, 120)
    assert speech.voice_pack == tmp_path / "pack"
    rules = speech.paging
    assert (rules.repeat, rules.places, rules.free_places) == (3, ("一楼服务台",), False)
    assert rules.forbidden == ("队长",)
    assert rules.templates["staff"] == "请本公司{name}{honorific}到{place}。"
    assert rules.templates["customer"] == DEFAULT_TEMPLATES["customer"]


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        (
            '[paging.templates]\nstaff = "{name}{honorific}经理,请到{place}。"\n',
            ("paging.templates.staff",
             'a template that says "本公司{name}{honorific}" (B11: no titles or departments)',
             '"{name}{honorific}经理,请到{place}。"'),
        ),
        (
            '[paging.templates]\ncustomer = "来宾{name}{honorific}请到{where}"\n',
            ("paging.templates.customer",
             "a template using only {honorific}, {name}, {place}, {place} included",
             '"来宾{name}{honorific}请到{where}"'),
        ),
        (
            '[paging.templates]\nvehicle = "车主{plate请到{place}"\n',
            ("paging.templates.vehicle", "a template with {fields} in braces",
             "\"车主{plate请到{place}\" (unexpected '{' in field name)"),
        ),
        (
            "[paging]\nfree_places = false\n",
            ("paging.places", "the list of places when free_places = false", "none"),
        ),
        (
            '[speech]\nengine = "piper"\n',
            ("speech.model", "text", "nothing (the key is missing)"),
        ),
        (
            '[speech]\nvoice_pack = "nowhere"\n',
            ("speech.voice_pack", "a folder of phrase recordings",
             "{tmp}/nowhere (no such folder)"),
        ),
        ("[paging]\nrepeat = 0\n", ("paging.repeat", "a whole number from 1 to 4", "the number 0")),
        ("[paging]\nrepeat = 1000\n",
         ("paging.repeat", "a whole number from 1 to 4", "the number 1000")),
        ("[speech]\nvoice = 1\n", ("speech.voice", "a known key", '"voice"')),
    ],
)  # fmt: skip
def test_each_mistake_is_named(tmp_path: Path, extra: str, problem: tuple[str, str, str]) -> None:
    where, expected, found_ = problem
    assert found(tmp_path, extra) == [(where, expected, found_.replace("{tmp}", str(tmp_path)))]
