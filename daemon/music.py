"""The day's music: the next song of each daypart (B3, B14). Pure and deterministic.

Sequential dayparts play their playlist in order, wrapping around. Shuffle dayparts draw
from a bag: no song repeats until the whole list has played, the new round never starts
with the song that just ended, and within the first `WINDOW` songs of the bag the one that
lands nearest the next timed item is preferred (see `punctuality`). A song that cannot be
played is reported once per pass and passed over: the music never stops for it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from daemon import punctuality
from daemon.model import AsRunEntry, Daypart, Instant, ItemKind, Source, Track

__all__ = ["WINDOW", "MusicProgram"]

WINDOW = 16
"""How many upcoming shuffle songs the punctuality planner may choose among."""


@dataclass
class _PartState:
    part: Daypart
    rng: random.Random
    cursor: int = 0  # sequential
    bag: list[Track] = field(default_factory=list)  # shuffle: the rest of this round
    last: Track | None = None
    shortest: float = float("inf")  # the shortest playable song of the part

    def __deepcopy__(self, memo: dict[int, object]) -> _PartState:
        """The bag copied as a list of the same (frozen) tracks: a forecast's copy of an
        engine costs a list copy per daypart, not a call per song."""
        rng = random.Random()
        rng.setstate(self.rng.getstate())
        return _PartState(self.part, rng, self.cursor, list(self.bag), self.last, self.shortest)


class MusicProgram:
    """Chooses songs; `next` reports unplayable songs it passed over so they can be logged."""

    def __init__(self, dayparts: Sequence[Daypart], seed: int) -> None:
        self._parts = [
            _PartState(p, random.Random(f"{seed}:{i}"), shortest=_shortest(p.tracks))
            for i, p in enumerate(dayparts)
        ]

    def daypart_at(self, now: Instant) -> Daypart | None:
        state = self._state_at(now)
        return state.part if state else None

    def shortest(self, now: Instant) -> float:
        """The shortest playable song of the daypart at `now` (infinity if there is none)."""
        state = self._state_at(now)
        return state.shortest if state else float("inf")

    def next(self, now: Instant, target: Instant | None) -> tuple[Track | None, list[Track]]:
        """(the song to play at `now`, unplayable songs passed over). None: nothing playable.

        `target` is the next instant a song should end at or just after, if any.
        """
        state = self._state_at(now)
        if state is None:
            return None, []
        if state.part.shuffle:
            return self._shuffled(state, None if target is None else target - now)
        return self._sequential(state)

    def restore(self, aired: Sequence[AsRunEntry]) -> None:
        """Go on from where the day's as-run log left off (a restart mid-day): a sequential
        daypart with the song after the last one it aired; a shuffle daypart with the rest
        of its current round (the songs aired since its last repeat are not drawn again)."""
        songs = [e for e in aired if e.kind is ItemKind.MUSIC and e.source is Source.PLAYLIST]
        for state in self._parts:
            mine = [e.ref for e in songs if self._state_at(e.start) is state]
            if not mine:
                continue
            tracks = state.part.tracks
            by_ref = {str(t.path): i for i, t in reversed(list(enumerate(tracks)))}
            if not state.part.shuffle:
                if mine[-1] in by_ref:
                    state.cursor = by_ref[mine[-1]] + 1
                continue
            round_: list[str] = []
            for ref in reversed(mine):
                if ref in round_:
                    break
                round_.append(ref)
            state.bag = [t for t in tracks if t.playable and str(t.path) not in round_]
            state.rng.shuffle(state.bag)
            state.last = tracks[by_ref[mine[-1]]] if mine[-1] in by_ref else None

    def _state_at(self, now: Instant) -> _PartState | None:
        if not self._parts:
            return None
        for state in self._parts:
            if state.part.start <= now < state.part.end:
                return state
        return self._parts[0] if now < self._parts[0].part.start else self._parts[-1]

    @staticmethod
    def _sequential(state: _PartState) -> tuple[Track | None, list[Track]]:
        tracks, skipped = state.part.tracks, list[Track]()
        for _ in range(len(tracks)):
            track = tracks[state.cursor % len(tracks)]
            state.cursor += 1
            if track.playable:
                return track, skipped
            skipped.append(track)
        return None, skipped

    @staticmethod
    def _shuffled(state: _PartState, remaining: float | None) -> tuple[Track | None, list[Track]]:
        skipped: list[Track] = []
        if not state.bag:
            skipped = [t for t in state.part.tracks if not t.playable]
            state.bag = [t for t in state.part.tracks if t.playable]
            state.rng.shuffle(state.bag)
            if len(state.bag) > 1 and state.bag[0] == state.last:
                state.bag.append(state.bag.pop(0))
        if not state.bag:
            return None, skipped
        pick = None
        if remaining is not None:
            window = [t.duration or 0.0 for t in state.bag[:WINDOW]]
            pick = punctuality.choose(window, remaining)
        state.last = state.bag.pop(pick or 0)
        return state.last, skipped


def _shortest(tracks: Sequence[Track]) -> float:
    return min((t.duration for t in tracks if t.playable and t.duration), default=float("inf"))
