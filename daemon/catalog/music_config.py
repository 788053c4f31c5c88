"""The `[music]` keys of song and artist separation, validated: `separation(music)`.

`music.separation_songs`: how many other songs air before a shuffled song airs again, a whole
number from 1 to `MAX_SONGS`; left out, half of each daypart's playable songs.
`music.artist_separation_songs`: how many other songs air before the same artist again,
0 (off) to `MAX_ARTISTS`; left out, `Separation().artists` (3). A bad value is a problem
naming the key, what was expected and what was found; the default is used meanwhile.
"""

from __future__ import annotations

from daemon.catalog.fields import Fields, describe
from daemon.model import Separation

__all__ = ["KEYS", "MAX_ARTISTS", "MAX_SONGS", "separation"]

KEYS = ("separation_songs", "artist_separation_songs")
MAX_SONGS = 5000
MAX_ARTISTS = 100


def separation(music: Fields) -> Separation:
    """The separation settings of `[music]`; problems go to `music`'s list."""
    songs = _bounded(
        music, KEYS[0], 1, MAX_SONGS, "leave it out for half of each daypart's playable songs"
    )
    default = Separation().artists
    artists = _bounded(music, KEYS[1], 0, MAX_ARTISTS, f"0 turns it off; left out, {default}")
    return Separation(songs, default if artists is None else artists)


def _bounded(fields: Fields, key: str, low: int, high: int, hint: str) -> int | None:
    if key not in fields.table:
        return None
    value = fields.table[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        fields.problem(key, f"a whole number from {low} to {high}", describe(value), hint)
        return None
    return value
