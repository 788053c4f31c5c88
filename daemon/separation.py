"""Song and artist separation, as radio automation has it: which songs may air next. Pure.

A song's *gap* is how many other songs have started since it last started (infinite if it
has not aired today); an artist's gap likewise. A song is *rested* when its gap reaches the
daypart's song separation, its artist when the artist's gap reaches the artist separation.
Every song that starts counts, whatever its source (a playlist, the opening or the closing
song) and however it ends (faded for an urgent page, cut by an emergency): the `History`
runs across the dayparts of the day and is rebuilt from the as-run log after a restart.

`Rules.of` sets a daypart's separations from `Separation` (the `[music]` settings): the song
setting, or half the daypart's playable songs (distinct files), at most one less than that
count (a longer window cannot be kept) and at least 1 when two exist (never the same song
twice in a row). Artist separation is the setting, at most what the list can keep
(`artist_room`: a song whose artist is unknown is an artist of its own; with no artist
named it is off).

`choices` gives the songs that may air next in a shuffle daypart, in preferred order, from
the first of these tiers that has any:

1. songs of the round (not yet played in it), rested, their artist rested;
2. songs of the round, rested, those whose artist has rested longest;
3. tiers 1 and 2 over the songs already played this round;
4. the song that has rested longest (never the one that just aired while another exists;
   not the held closing song while another can air).

Artist separation gives way first, then the round, then song separation. The punctuality
planner chooses only among the `choices`: song separation wins over punctuality (artist
separation too, unless it costs a timed item more than `music.ARTIST_PRICE`).
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from daemon.model import Separation, Track

__all__ = ["OTHER", "History", "Option", "Rules", "artist_key", "artist_room", "choices", "spread"]

OTHER = -1
"""The origin of a play that came from no daypart's list: the opening or closing song."""

_INF = float("inf")


@lru_cache(maxsize=4096)
def artist_key(artist: str) -> str:
    """An artist name compared loosely: NFKC (full-width letters), case and spaces folded."""
    return " ".join(unicodedata.normalize("NFKC", artist).casefold().split())


class History:
    """The songs that started today, in order: each file's and each artist's last start."""

    __slots__ = ("_artists", "_songs", "_undo", "count", "last")

    def __init__(self) -> None:
        self.count = 0  # songs started
        self.last: str | None = None  # the file of the song that started last
        self._songs: dict[str, tuple[int, int]] = {}  # file -> (its last start, origin)
        self._artists: dict[str, int] = {}  # artist key -> its last start
        self._undo: tuple[str, tuple[int, int] | None, str, int | None, str | None] | None = None

    def record(self, ref: str, artist: str, origin: int = OTHER) -> None:
        """The song `ref` (a file path) by `artist` started, from daypart `origin`."""
        key = artist_key(artist) if artist else ""
        self._undo = (ref, self._songs.get(ref), key, self._artists.get(key), self.last)
        self._songs[ref] = (self.count, origin)
        if key:
            self._artists[key] = self.count
        self.count += 1
        self.last = ref

    def forget_last(self) -> None:
        """The song recorded last did not air after all (its file failed as it started)."""
        if self._undo is None:
            return
        (ref, song, key, artist, last), self._undo = self._undo, None
        if song is None:
            del self._songs[ref]
        else:
            self._songs[ref] = song
        if key and artist is None:
            del self._artists[key]
        elif key and artist is not None:
            self._artists[key] = artist
        self.count, self.last = self.count - 1, last

    def gap(self, ref: str) -> float:
        """Other songs started since `ref` last did; infinity if it has not aired today."""
        seen = self._songs.get(ref)
        return _INF if seen is None else self.count - 1 - seen[0]

    def origin(self, ref: str) -> int | None:
        """The daypart (or `OTHER`) that last aired `ref`; None if none did."""
        seen = self._songs.get(ref)
        return None if seen is None else seen[1]

    def artist_gap(self, track: Track) -> float:
        """Other songs started since `track`'s artist last did; infinity if unknown."""
        if not track.artist:
            return _INF
        seen = self._artists.get(artist_key(track.artist))
        return _INF if seen is None else self.count - 1 - seen

    def __deepcopy__(self, memo: dict[int, object]) -> History:
        """Two dict copies (keys and values are immutable): a forecast's copy stays cheap."""
        twin = History()
        twin.count, twin.last, twin._undo = self.count, self.last, self._undo
        twin._songs, twin._artists = dict(self._songs), dict(self._artists)
        return twin


@dataclass(frozen=True, slots=True)
class Rules:
    """One daypart's separations, as kept (see the module docstring)."""

    songs: int
    artists: int
    playable: int  # distinct playable files of the daypart

    @staticmethod
    def of(tracks: Sequence[Track], setting: Separation) -> Rules:
        playable = {str(t.path): t for t in tracks if t.playable}
        count = len(playable)
        songs = count // 2 if setting.songs is None else setting.songs
        songs = max(min(songs, count - 1), 1 if count >= 2 else 0)
        return Rules(songs, min(setting.artists, artist_room(playable.values())), count)


def artist_room(songs: Iterable[Track]) -> int:
    """The artist separation a list of distinct songs can keep: with c of its n songs by one
    artist, n // c - 1 (each of them needs that many others between); 0 with one artist or
    none named."""
    songs = list(songs)
    counts = Counter(artist_key(t.artist) for t in songs if t.artist)
    if not counts:
        return 0  # no artist named: nothing to keep apart
    most = max(counts.values())
    groups = len(counts) + sum(1 for t in songs if not t.artist)
    return max(0, min(groups - 1, len(songs) // most - 1))


Option = tuple[int | None, Track, int]
"""A song that may air: (its index in the round, None if from outside it; the song; the
first place in a run of songs, 0 being now, at which separation lets it air)."""


def choices(
    bag: Sequence[Track],
    songs: Sequence[Track],
    history: History,
    rules: Rules,
    held: str | None,
    limit: int,
    soon: int = 1,
) -> list[Option]:
    """The songs that may air next, in preferred order, each file once: at most `limit`
    that may air now, and with them the songs of the same tier that may air at a place
    before `soon` (for a planner looking that many songs ahead; near a round's end, the
    next round's after the songs left in this one). At least one of them may air now,
    unless the daypart has no playable song.

    `bag` is the rest of the round in its preferred order; `songs` every playable song of
    the daypart (the same objects: the round's are found by identity); `held` the file of a
    song that should not air now (the closing song near closing)."""
    seen: set[str] = set()  # each file once: a list may name one file twice
    best = _tier(enumerate(bag), history, rules, held, limit, soon, seen)
    if best and len(bag) >= soon:
        return best
    in_bag = {id(t) for t in bag}
    played: list[tuple[int | None, Track]] = [(None, t) for t in songs if id(t) not in in_bag]
    if best:  # the round ends within reach: the next round's songs may follow it
        return best + _later(played, history, rules, held, soon, len(bag), seen)
    best = _tier(played, history, rules, held, limit, soon, set())
    if best:
        return best
    pool: list[tuple[int | None, Track]] = [*enumerate(bag), *played]
    if not pool:
        return []

    def rest(option: tuple[int | None, Track]) -> tuple[bool, bool, float, float, bool]:
        index, track = option
        ref = str(track.path)
        gap = history.gap(ref)
        return (gap > 0, ref != held, gap, history.artist_gap(track), index is not None)

    index, track = max(pool, key=rest)
    return [(index, track, 0)]


def _tier(
    pool: Iterable[tuple[int | None, Track]],
    history: History,
    rules: Rules,
    held: str | None,
    limit: int,
    soon: int,
    seen: set[str],
) -> list[Option]:
    """The songs of `pool` rested (song and artist) now, at most `limit`, with those rested
    by a place before `soon`; if none is rested now: the songs rested now whose artist has
    rested longest; else none. Files in `seen` are passed over; those taken are added."""
    options: list[Option] = []
    now = 0
    tired: list[tuple[float, Option]] = []  # rested songs whose artist is not
    for index, track in pool:
        if len(seen) >= rules.playable:
            break  # every file of the daypart has had its say
        ref = str(track.path)
        if ref in seen:
            continue
        seen.add(ref)
        wait = rules.songs - history.gap(ref)  # songs to air before this one may
        if ref == held or wait >= soon:
            continue
        artist_gap = history.artist_gap(track)
        place = int(max(0, wait, rules.artists - artist_gap))
        if place == 0:
            options.append((index, track, 0))
            now += 1
            if now >= limit:
                break
        elif place < soon:
            options.append((index, track, place))
        if wait <= 0 < place:
            tired.append((artist_gap, (index, track, 0)))
    if now or not tired:
        return options if now else []
    top = max(gap for gap, _ in tired)
    return [option for gap, option in tired if gap == top][:limit]


def _later(
    pool: Iterable[tuple[int | None, Track]],
    history: History,
    rules: Rules,
    held: str | None,
    soon: int,
    after: int,
    seen: set[str],
) -> list[Option]:
    """The songs of `pool` (the next round's) that may air at a place from `after` (the
    songs left in this round) to before `soon`, with that place; none of `seen`."""
    found: list[Option] = []
    for index, track in pool:
        ref = str(track.path)
        wait = rules.songs - history.gap(ref)
        place = max(after, wait, rules.artists - history.artist_gap(track))
        if ref != held and place < soon and ref not in seen:
            seen.add(ref)
            found.append((index, track, int(place)))
    return found


def spread(tracks: Sequence[Track], rng: random.Random, rules: Rules) -> list[Track]:
    """A new round's order: shuffled; with artist separation on, each artist's songs spread
    evenly through the round (a balanced shuffle), so the separation seldom has to give way."""
    order = list(tracks)
    if rules.artists == 0 or not any(track.artist for track in order):
        rng.shuffle(order)  # (2,000 songs: 0.9 ms, on the audio thread at a round's start)
        return order
    groups: dict[str, list[Track]] = {}
    for i, track in enumerate(order):
        key = artist_key(track.artist) if track.artist else ""
        groups.setdefault(key or f"\0{i}", []).append(track)
    if len(groups) == len(order):
        rng.shuffle(order)
        return order
    placed: list[tuple[float, Track]] = []
    for members in groups.values():
        rng.shuffle(members)
        share = 1.0 / len(members)
        offset = rng.random() * share
        for j, track in enumerate(members):
            placed.append((offset + (j + rng.uniform(-0.2, 0.2)) * share, track))
    placed.sort(key=lambda p: p[0])
    return [track for _, track in placed]
