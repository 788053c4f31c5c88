"""S5: the words for a caller in a language the operator does not speak."""

from __future__ import annotations

import pytest

from daemon.switchboard.phrases import phrase_for


@pytest.mark.parametrize("asked", ["en", "英语", "English", "ＥＮＧＬＩＳＨ", " english "])
def test_english_however_it_is_named(asked: str) -> None:
    said = phrase_for(asked)
    assert said is not None
    assert (said.code, said.language) == ("en", "英语")
    assert said.english == "Sorry, I can't speak English, please wait a moment."


def test_japanese_is_said_in_japanese_too() -> None:
    said = phrase_for("日语")
    assert said is not None and said.english == (
        "Sorry, I can't speak Japanese, please wait a moment."
    )
    assert said.native == "申し訳ございません、日本語が話せません。少々お待ちください。"


def test_a_language_without_its_own_words_has_the_english_ones() -> None:
    said = phrase_for("泰语")
    assert said is not None and said.native == "" and "Thai" in said.english


@pytest.mark.parametrize("asked", ["普通话", "zh", "klingon", "", "英"])
def test_mandarin_and_unknown_languages_have_no_phrase(asked: str) -> None:
    assert phrase_for(asked) is None
