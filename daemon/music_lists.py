"""A daypart's list as the music program keeps it (music.py): its playable songs, its
separation rules, its shuffle round or sequential cursor, and its rest after failures.

A list whose whole pass of songs failed on air in a row (its files gone) rests
`RETRY_FIRST` seconds, then one song is tried; each failed try doubles the rest, up to
`RETRY_MOST`; a song that airs ends the rest (`MusicProgram.aired`, `failed`). Pure.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from daemon.model import FALLBACK, Daypart, Instant, Separation, Track
from daemon.separation import Rules

__all__ = [
    "HOLD_BACK",
    "RETRY_FIRST",
    "RETRY_MOST",
    "ListState",
    "borrowed",
    "hold_seconds",
    "list_state",
]

HOLD_BACK = 3600.0
"""Seconds before the closing song in which its file does not air from a playlist."""

RETRY_FIRST = 30.0
"""Seconds a list rests after a whole pass of its songs failed on air, before one is tried."""

RETRY_MOST = 600.0
"""The longest rest: a list whose files stay missing is tried every ten minutes."""


@dataclass
class ListState:
    part: Daypart
    index: int
    rng: random.Random
    rules: Rules
    songs: tuple[Track, ...]  # the playable ones, in list order
    shortest: float  # the shortest playable song of the part
    hold: float  # seconds before the closing song in which its file is held back
    cursor: int = 0  # sequential
    bag: list[Track] = field(default_factory=list)  # shuffle: the rest of this round
    failing: int = 0  # its songs that failed on air in a row, none airing between
    rest: float = 0.0  # seconds of the current rest after a failed pass (0: none)
    resting_until: Instant = float("-inf")
    borrowing: bool = False  # it has nothing to play and said so; until a song of its airs

    def ready(self, now: Instant) -> bool:
        """Whether it has a song to try at `now`."""
        return bool(self.songs) and now >= self.resting_until

    def __deepcopy__(self, memo: dict[int, object]) -> ListState:
        """The bag copied as a list of the same (frozen) tracks: a forecast's copy of an
        engine costs a list copy per daypart, not a call per song."""
        rng = random.Random()
        rng.setstate(self.rng.getstate())
        return ListState(
            self.part, self.index, rng, self.rules, self.songs, self.shortest, self.hold,
            self.cursor, list(self.bag), self.failing, self.rest, self.resting_until,
            self.borrowing,
        )  # fmt: skip


def borrowed(own: ListState, source: ListState | None) -> str:
    """Why daypart `own` plays another list, and which (None: none has a song)."""
    why = "has no playable song" if not own.songs else "failed a whole pass on air"
    if source is None:
        instead = "no other list has a song to play either: silence until one does"
    elif source.part.name == FALLBACK:
        instead = f"playing music.fallback ({source.part.playlist.name}) meanwhile"
    else:
        instead = f"playing daypart {source.part.name}'s list meanwhile"
    return f"daypart {own.part.name}: its playlist {own.part.playlist.name} {why}; {instead}"


def list_state(part: Daypart, index: int, seed: int, separation: Separation) -> ListState:
    songs = tuple(t for t in part.tracks if t.playable)
    rules = Rules.of(songs, separation)
    shortest = min((t.duration or 0.0 for t in songs if t.duration), default=float("inf"))
    hold = hold_seconds(songs, rules)
    return ListState(part, index, random.Random(f"{seed}:{index}"), rules, songs, shortest, hold)


def hold_seconds(songs: Sequence[Track], rules: Rules) -> float:
    """How long before the closing song its file is held back in a daypart of `songs`:
    `HOLD_BACK`, or the time its separation window of the longest songs takes if longer."""
    longest = max((t.duration or 0.0 for t in songs if t.playable), default=0.0)
    return max(HOLD_BACK, (rules.songs + 1) * longest)
