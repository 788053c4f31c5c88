"""How long a text takes to speak, until real synthesis measures it.

This is the one place the engine gets speech durations from; the speech engine replaces
`speech_seconds` with the length of the rendered audio.
"""

from __future__ import annotations

import unicodedata

__all__ = ["PAUSE_BETWEEN_REPEATS", "speech_seconds"]

SYLLABLE = 0.24  # a calm announcer reads about four Chinese syllables a second (B12)
LATIN = 0.09  # a Latin letter or digit
PAUSE = 0.35  # a comma or full stop
LEAD = 0.4  # breath before and after
PAUSE_BETWEEN_REPEATS = 1.0


def speech_seconds(text: str, repeat: int = 1) -> float:
    """Estimated seconds to say `text` `repeat` times with a pause between readings."""
    one = LEAD
    for char in text:
        category = unicodedata.category(char)
        if "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf":
            one += SYLLABLE
        elif category.startswith("P"):
            one += PAUSE
        elif category[0] in "LN":
            one += LATIN
    return round(repeat * one + (repeat - 1) * PAUSE_BETWEEN_REPEATS, 3)
