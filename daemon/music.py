"""The day's music: the next song of each daypart (B3, B14). Pure and deterministic.

Shuffle dayparts draw from rounds: each round plays every song of the list once, in an
order shuffled (each artist's songs spread through it), and song and artist separation
hold over rounds, dayparts, the opening and closing songs, fades and emergencies (see
`separation`). Among the songs separation allows, the one whose end lands nearest the next
timed item is preferred (`punctuality`, within the first `WINDOW`; the planner also sees
the songs separation frees one or two songs later, and the next round's near a round's
end): song separation always wins; artist separation gives way only when keeping it would
make the timed item more than `ARTIST_PRICE` seconds later.

Sequential dayparts play their list in its order, wrapping around (B3: the order is the
operator's). A song is passed over for this pass only when it would air twice in a row, or
when another source aired it within the separation window: the opening song, another
daypart, or the closing song to come. Artist separation does not reorder them.

The closing song's file is held back from the playlists in the last `HOLD_BACK` seconds
before the closing song starts (longer when the daypart's separation window of its longest
songs needs more): it tells shoppers the store is closing (B16), so it should not air early.
A song that cannot be played is reported once per pass and passed over: the music never
stops for it, nor for separation (when nothing else can air, the longest-rested song does).

A daypart with nothing to play (no playable song in its list, or a whole pass of songs that
failed on air in a row: the files vanished) borrows: from the nearest other daypart with
songs, else from `music.fallback`; it says so once (`notices`). A list whose whole pass failed
rests `RETRY_FIRST` seconds, then one of its songs is tried; each failed try doubles the
rest, up to `RETRY_MOST`; a song that airs ends the rest. So files that vanish cost one
`skipped` line each per pass, then one per retry, never a loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from daemon import punctuality
from daemon.model import (
    AsRunEntry,
    Daypart,
    DayPlan,
    Instant,
    ItemKind,
    Separation,
    Source,
    Track,
)
from daemon.music_lists import (
    HOLD_BACK,
    RETRY_FIRST,
    RETRY_MOST,
    ListState,
    borrowed,
    hold_seconds,
    list_state,
)
from daemon.separation import OTHER, History, Option, Rules, choices, spread

__all__ = [
    "ARTIST_PRICE", "HOLD_BACK", "RETRY_FIRST", "RETRY_MOST", "WINDOW",
    "MusicProgram", "hold_seconds",
]  # fmt: skip

WINDOW = 16
"""How many upcoming shuffle songs the punctuality planner may choose among."""

ARTIST_PRICE = 15.0
"""Seconds of lateness of the next timed item worth an artist aired too soon: artist
separation gives way to punctuality only when keeping it costs more (song separation never)."""


class MusicProgram:
    """Chooses songs; `next` reports unplayable songs it passed over so they can be logged."""

    def __init__(
        self,
        dayparts: Sequence[Daypart],
        seed: int,
        separation: Separation | None = None,
        closing: Track | None = None,
        closing_at: Instant = float("inf"),
        fallback: Daypart | None = None,
    ) -> None:
        self._history = History()
        self._closing = str(closing.path) if closing is not None and closing.playable else None
        self._closing_at = closing_at
        rules = separation or Separation()
        self._parts = [list_state(p, i, seed, rules) for i, p in enumerate(dayparts)]
        self._fallback = (
            None if fallback is None else list_state(fallback, len(dayparts), seed, rules)
        )
        self._chosen: ListState | None = None  # the list the song on air came from
        self.notices: list[tuple[Daypart, str]] = []  # (daypart, what it borrows), to be logged

    @classmethod
    def for_plan(cls, plan: DayPlan) -> MusicProgram:
        return cls(
            plan.dayparts, plan.seed, plan.separation, plan.closing_song, plan.closing_target,
            plan.fallback,
        )  # fmt: skip

    def source_at(self, now: Instant) -> Daypart | None:
        """The list the music at `now` comes from (see `_source_at`); None when none has a
        song to try."""
        state = self._source_at(now)
        return state.part if state else None

    def daypart_at(self, now: Instant) -> Daypart | None:
        state = self._state_at(now)
        return state.part if state else None

    def shortest(self, now: Instant) -> float:
        """The shortest playable song of the list playing at `now` (infinity if none)."""
        state = self._source_at(now)
        return state.shortest if state else float("inf")

    def typical(self, now: Instant) -> float:
        """The mean length of a song of the list playing at `now` (0 if none)."""
        state = self._source_at(now)
        lengths = [t.duration or 0.0 for t in state.songs] if state else []
        return sum(lengths) / len(lengths) if lengths else 0.0

    def rules(self, now: Instant) -> Rules | None:
        """The separations kept in the daypart at `now`."""
        state = self._state_at(now)
        return state.rules if state else None

    def aired(self) -> None:
        """The song last chosen aired (in full or cut): its list is well."""
        chosen = self._chosen
        if chosen is not None:
            chosen.failing, chosen.rest, chosen.borrowing = 0, 0.0, False

    def failed(self, now: Instant, playlist: bool = True) -> None:
        """The song last chosen (or `played`) could not be played (its file vanished or
        broke): separation forgets it; a playlist's whole pass of them makes it rest."""
        self._history.forget_last()
        chosen = self._chosen
        if chosen is None or not playlist:
            return
        chosen.failing += 1
        if chosen.failing >= len(chosen.songs):  # a whole pass, or a retry, failed
            chosen.rest = min(chosen.rest * 2, RETRY_MOST) if chosen.rest else RETRY_FIRST
            chosen.resting_until = now + chosen.rest

    def retry_at(self, now: Instant) -> Instant | None:
        """When a resting list may be tried again, if one rests after `now`."""
        states = [*self._parts, *([self._fallback] if self._fallback else [])]
        return min((s.resting_until for s in states if s.resting_until > now), default=None)

    def played(self, track: Track) -> None:
        """`track` started from outside the playlists (the opening or the closing song)."""
        self._history.record(str(track.path), track.artist, OTHER)

    def next(
        self, now: Instant, target: Instant | None, early: float = 0.0
    ) -> tuple[Track | None, list[Track]]:
        """(the song to play at `now`, unplayable songs passed over). None: nothing playable.

        `target` is the next instant a song should end at or near, if any; a boundary up to
        `early` seconds before it will do too (a slot's window). The song returned counts as
        played from now on (whether it ends or is cut).
        """
        own = self._state_at(now)
        state = self._source_at(now)
        skipped: list[Track] = []
        if own is not None and state is not own and not own.borrowing:
            own.borrowing = True
            skipped = [] if own.songs else [t for t in own.part.tracks if not t.playable]
            self.notices.append((own.part, borrowed(own, state)))
        if state is None:
            return None, skipped
        held = self._closing if self._closing_at - now < state.hold else None
        if state.part.shuffle:
            remaining = None if target is None else target - now
            track, passed = self._shuffled(state, held, remaining, early)
        else:
            track, passed = self._sequential(state, held)
        if track is not None:
            self._history.record(str(track.path), track.artist, state.index)
            self._chosen = state
        return track, skipped + passed

    def restore(self, aired: Sequence[AsRunEntry]) -> None:
        """Go on from where the day's as-run log left off (a restart mid-day): separation
        counts every song that started today (any source, cut or not); a sequential daypart
        goes on with the song after the last one it aired; a shuffle daypart with the rest
        of its current round (the songs aired since its last repeat are not drawn again)."""
        songs = [e for e in aired if e.kind is ItemKind.MUSIC]
        artists = {str(t.path): t.artist for s in self._parts for t in s.part.tracks}
        for entry in songs:
            state = self._state_at(entry.start) if entry.source is Source.PLAYLIST else None
            origin = OTHER if state is None else state.index
            self._history.record(entry.ref, artists.get(entry.ref, ""), origin)
        listed = [e for e in songs if e.source is Source.PLAYLIST]
        for state in self._parts:
            mine = [e.ref for e in listed if self._state_at(e.start) is state]
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
            rest = [t for t in state.songs if str(t.path) not in round_]
            state.bag = spread(rest, state.rng, state.rules)

    def _source_at(self, now: Instant) -> ListState | None:
        """The list the music at `now` comes from: the daypart's own, else the nearest other
        daypart's with a song to try, else music.fallback's; None when none has one."""
        own = self._state_at(now)
        if own is None or own.ready(now):
            return own
        others = sorted(
            (s for s in self._parts if s is not own), key=lambda s: abs(s.index - own.index)
        )
        fallback = [self._fallback] if self._fallback is not None else []
        return next((s for s in [*others, *fallback] if s.ready(now)), None)

    def _state_at(self, now: Instant) -> ListState | None:
        if not self._parts:
            return None
        for state in self._parts:
            if state.part.start <= now < state.part.end:
                return state
        return self._parts[0] if now < self._parts[0].part.start else self._parts[-1]

    def _sequential(self, state: ListState, held: str | None) -> tuple[Track | None, list[Track]]:
        """The next song in list order that separation does not pass over (see above)."""
        tracks, history = state.part.tracks, self._history
        unplayable: list[tuple[int, Track]] = []
        best: tuple[tuple[bool, bool, int], int] | None = None  # (rank, step) of a fallback
        for step in range(len(tracks)):
            track = tracks[(state.cursor + step) % len(tracks)]
            if not track.playable:
                unplayable.append((step, track))
                continue
            ref = str(track.path)
            again = ref == history.last
            elsewhere = history.gap(ref) < state.rules.songs and history.origin(ref) != state.index
            if not (again or elsewhere or ref == held):
                best = ((True, True, 0), step)
                break
            rank = (not again, ref != held, -step)
            if best is None or rank > best[0]:
                best = (rank, step)
        if best is None:
            state.cursor += len(tracks)
            return None, [t for _, t in unplayable]
        step = best[1]
        chosen = tracks[(state.cursor + step) % len(tracks)]
        state.cursor += step + 1
        return chosen, [t for at, t in unplayable if at < step]

    def _shuffled(
        self, state: ListState, held: str | None, remaining: float | None, early: float
    ) -> tuple[Track | None, list[Track]]:
        skipped: list[Track] = []
        if not state.bag:
            skipped = [t for t in state.part.tracks if not t.playable]
            state.bag = spread(state.songs, state.rng, state.rules)
        rules, history = state.rules, self._history
        options = choices(state.bag, state.songs, history, rules, held, WINDOW, punctuality.DEPTH)
        if not options:
            return None, skipped
        best = None if remaining is None else _plan(options, remaining, early)
        if best is not None and rules.artists and best[1] > ARTIST_PRICE:
            free = replace(rules, artists=0)  # what keeping the artist apart costs
            others = choices(state.bag, state.songs, history, free, held, WINDOW, punctuality.DEPTH)
            cheaper = _plan(others, remaining or 0.0, early)
            if cheaper is not None and cheaper[1] < best[1] - ARTIST_PRICE:
                options, best = others, cheaper
        pick = next(i for i, o in enumerate(options) if o[2] == 0) if best is None else best[0]
        index, track, _ = options[pick]
        if index is not None:
            state.bag.pop(index)
        return track, skipped


def _plan(options: Sequence[Option], remaining: float, early: float) -> tuple[int, float] | None:
    durations = [track.duration or 0.0 for _, track, _ in options]
    return punctuality.plan(durations, remaining, [place for *_, place in options], early)
