"""What the operator says to a caller: at each turn of a call (`LINES`), and in a language
they do not speak (S5), before handing the call to someone on duty who does. Pure.

The procedure's words are English ("Sorry, I can't speak English, please wait a moment");
for the languages a mall's callers most often speak the same words are given in that
language too, with the English beside them for an operator who reads neither.
"""

from __future__ import annotations

from dataclasses import dataclass

from daemon.switchboard.people import LANGUAGE_NAMES, language_code

__all__ = ["LINES", "Phrase", "phrase_for"]

LINES = {
    "transfer": "好的!请稍等。",
    "no_answer": "对不起,分机暂时没有人接听。您可以留言,我会尽快转告;或者请您稍后再打来。",
    "callback": "好的,我已经记下了,会尽快转告他/她回电给您。",
    "complaint": (
        "非常抱歉给您带来不便!您的意见我已经记录,会马上转交有关部门,{hours} 小时内给您答复。"
    ),
    "confidential": "对不起,这方面的情况我们不便透露,请您谅解。还有其他可以帮您的吗?",
}
"""What the operator says at each turn of a call: transferring (S2), an extension that does
not answer and a message taken (S3), a complaint (S8), and a question about business
secrets (partners, marketing plans: the procedure forbids giving them out)."""

_ENGLISH_NAMES = {
    "en": "English", "ja": "Japanese", "ko": "Korean", "fr": "French", "de": "German",
    "es": "Spanish", "pt": "Portuguese", "it": "Italian", "ru": "Russian", "ar": "Arabic",
    "th": "Thai", "vi": "Vietnamese", "ms": "Malay", "id": "Indonesian", "hi": "Hindi",
    "yue": "Cantonese",
}  # fmt: skip
_IN_THEIR_LANGUAGE = {
    "ja": "申し訳ございません、日本語が話せません。少々お待ちください。",
    "ko": "죄송합니다, 한국어를 못 합니다. 잠시만 기다려 주세요.",
    "fr": "Désolé, je ne parle pas français. Un instant, s'il vous plaît.",
    "de": "Entschuldigung, ich spreche kein Deutsch. Einen Moment bitte.",
    "es": "Lo siento, no hablo español. Un momento, por favor.",
    "ru": "Извините, я не говорю по-русски. Подождите, пожалуйста.",
}


@dataclass(frozen=True, slots=True)
class Phrase:
    code: str  # ISO 639
    language: str  # its name in Chinese, as the console shows it (英语)
    english: str  # the procedure's words: "Sorry, I can't speak English, please wait a moment."
    native: str  # the same in that language, where known ("" otherwise)


def phrase_for(language: str) -> Phrase | None:
    """The phrase for `language` (a code or a name: en, 英语, Japanese); None if unknown."""
    code = language_code(language)
    if code is None or code == "zh":
        return None
    names = LANGUAGE_NAMES.get(code)
    shown = names[0] if names else code
    english = _ENGLISH_NAMES.get(code, shown)
    said = f"Sorry, I can't speak {english}, please wait a moment."
    return Phrase(code, shown, said, _IN_THEIR_LANGUAGE.get(code, ""))
