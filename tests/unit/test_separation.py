"""Song and artist separation: the history, the rules a list can keep, the tiers of choice,
the round order, the planner under separation, and the music program that uses them."""

from __future__ import annotations

import copy
import itertools
import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daemon import punctuality
from daemon.model import Daypart, Separation, Track
from daemon.music import MusicProgram
from daemon.separation import History, Rules, artist_key, artist_room, choices, spread


def songs(durations: list[float], artists: str = "", prefix: str = "s") -> tuple[Track, ...]:
    """Songs /m/<prefix><i>.ogg; `artists` gives each one's artist as a letter ("aabc")."""
    return tuple(
        Track(
            Path(f"/m/{prefix}{i}.ogg"),
            f"{prefix}{i}",
            d,
            artist=artists[i].strip() if artists else "",
        )
        for i, d in enumerate(durations)
    )


def part(
    tracks: tuple[Track, ...], shuffle: bool = True, start: float = 0, end: float = 1e9
) -> Daypart:
    return Daypart(start, end, "p", Path("/p.m3u8"), tracks, shuffle)


def play(program: MusicProgram, count: int, now: float = 0.0) -> list[str]:
    picked = []
    for _ in range(count):
        track, _ = program.next(now, None)
        assert track is not None
        picked.append(track.title)
    return picked


def test_history_counts_songs_between_plays_and_copies_cheaply() -> None:
    history = History()
    for ref in ["a", "b", "c", "a"]:
        history.record(ref, "X" if ref == "b" else "")
    assert (history.gap("a"), history.gap("b"), history.gap("c")) == (0, 2, 1)
    assert history.gap("never") == float("inf") and history.last == "a"
    twin = copy.deepcopy(history)
    twin.record("b", "x")  # the artist compared loosely: "X" and "x" are one
    assert history.gap("b") == 2 and twin.gap("b") == 0
    assert twin.artist_gap(Track(Path("/z"), "z", 1.0, artist=" x ")) == 0


def test_artist_names_compare_loosely() -> None:
    assert artist_key("Ｎｅｏｎ  Atrium") == artist_key("neon atrium")


def test_rules_default_to_half_the_playable_songs_and_keep_what_the_list_allows() -> None:
    twelve = songs([100.0] * 12)
    assert Rules.of(twelve, Separation()).songs == 6
    assert Rules.of(twelve, Separation(songs=30)).songs == 11  # at most one less than the list
    assert Rules.of(songs([100.0, 100.0]), Separation()).songs == 1  # never twice in a row
    assert Rules.of(songs([100.0]), Separation()).songs == 0
    broken = (*twelve, Track(Path("/m/bad.ogg"), "bad", None, "broken"), twelve[0])
    assert Rules.of(broken, Separation()).playable == 12  # distinct playable files


def test_artist_room_is_what_the_most_played_artist_allows() -> None:
    assert artist_room(songs([1.0] * 8, "aaabbccd")) == 1  # 3 of 8 by "a": 1 other between
    assert artist_room(songs([1.0] * 8, "abcdabcd")) == 3
    assert artist_room(songs([1.0] * 4, "aaaa")) == 0
    assert artist_room(songs([1.0] * 3)) == 0  # no artist named: nothing to keep apart
    assert artist_room(songs([1.0] * 4, "aa  ")) == 1  # an unknown one: an artist of its own
    assert Rules.of(songs([1.0] * 8, "aaabbccd"), Separation(artists=3)).artists == 1


def test_choices_prefer_the_round_then_relax_the_artist_then_the_round() -> None:
    tracks = songs([100.0] * 6, "aabbcc")
    rules = Rules(songs=2, artists=1, playable=6)
    history = History()
    for t in tracks[:2]:  # a0, a1 just aired
        history.record(str(t.path), t.artist)
    bag = [tracks[1], tracks[2], tracks[3]]
    now = [t.title for _, t, place in choices(bag, tracks, history, rules, None, 16) if place == 0]
    assert now == ["s2", "s3"]  # s1 aired last; s2 and s3 are by "b"
    only_a = [tracks[1]]
    relaxed = choices(only_a, tracks, history, rules, None, 16)
    assert [(i, t.title) for i, t, _ in relaxed] == [(None, f"s{i}") for i in range(2, 6)]
    nothing_rested = History()
    for t in tracks:
        nothing_rested.record(str(t.path), t.artist)
    tight = Rules(songs=5, artists=0, playable=6)
    (pick,) = choices([tracks[5]], tracks, nothing_rested, tight, None, 16)
    assert pick[1].title == "s0"  # the longest rested, not the one that just aired


def test_the_held_closing_song_gives_way_unless_nothing_else_can_air() -> None:
    tracks = songs([100.0, 100.0])
    rules = Rules(songs=1, artists=0, playable=2)
    held = str(tracks[1].path)
    assert [t.title for _, t, _ in choices(list(tracks), tracks, History(), rules, held, 16)] == [
        "s0"
    ]
    history = History()
    history.record(str(tracks[0].path), "")
    (pick,) = choices([tracks[0]], tracks, history, rules, held, 16)
    assert pick[1].title == "s1"  # better the closing song early than a song twice in a row


def test_a_round_spreads_each_artists_songs_through_it() -> None:
    tracks = songs([1.0] * 12, "aaaabbbbcccc")
    rules = Rules(songs=6, artists=2, playable=12)
    for seed in range(20):
        order = spread(tracks, random.Random(seed), rules)
        assert sorted(t.title for t in order) == sorted(t.title for t in tracks)
        runs = sum(a.artist == b.artist for a, b in itertools.pairwise(order))
        assert runs <= 2, [t.artist for t in order]
    plain = spread(songs([1.0] * 5), random.Random(1), Rules(2, 4, 5))
    expected = list(songs([1.0] * 5))
    random.Random(1).shuffle(expected)
    assert plain == expected  # no artists: the plain shuffle of before


def test_the_planner_plays_first_only_a_song_ready_now() -> None:
    # 250 lands exactly but is ready only second: 200 now, then 250 (450 = the target)
    assert punctuality.choose([200.0, 250.0, 300.0], 450.0, [0, 1, 0]) == 0
    assert punctuality.choose([250.0, 200.0], 250.0, [1, 0]) == 1  # 250 alone is not allowed
    # a run of three where one may only air last
    assert punctuality.choose([100.0, 120.0, 130.0], 350.0, [2, 0, 1]) == 1
    assert punctuality.choose([100.0, 120.0, 130.0], 350.0, [2, 2, 0]) is None
    assert punctuality.plan([180.0, 190.0], 185.0) == (1, 5.0)


def test_a_new_round_never_starts_with_a_song_that_just_aired() -> None:
    """The issue: the punctuality chooser picked from a fresh round that still held the
    song that had just ended; separation wins over punctuality."""
    tracks = songs([200.0, 230.0, 260.0, 290.0])
    for seed in range(30):
        program = MusicProgram([part(tracks)], seed=seed)
        first = play(program, 4)
        last = next(t for t in tracks if t.title == first[-1])
        track, _ = program.next(1000.0, target=1000.0 + (last.duration or 0))
        assert track is not None and track.title not in first[-2:]  # 2 others between


def test_separation_holds_across_dayparts_and_the_opening_song() -> None:
    shared = songs([100.0, 110.0, 120.0, 130.0, 140.0, 150.0])
    program = MusicProgram([part(shared, end=1000.0), part(shared, start=1000.0)], seed=3)
    program.played(shared[2])  # the opening song, also on the list
    morning = play(program, 3)
    assert "s2" not in morning
    day = ["s2", *morning, *play(program, 6, now=2000.0)]
    for i, title in enumerate(day):  # 3 others between two plays, across the change
        assert title not in day[max(0, i - 3) : i]


def test_sequential_keeps_its_order_and_passes_over_what_another_source_just_aired() -> None:
    tracks = songs([100.0, 110.0, 120.0, 130.0])
    program = MusicProgram([part(tracks, shuffle=False)], seed=1)
    program.played(tracks[0])  # the opening song is the list's first
    assert play(program, 6) == ["s1", "s2", "s3", "s0", "s1", "s2"]


def test_two_songs_alternate_and_one_song_repeats() -> None:
    program = MusicProgram([part(songs([100.0, 120.0]))], seed=2, separation=Separation(songs=9))
    picked = play(program, 8)
    assert all(a != b for a, b in itertools.pairwise(picked))
    alone = MusicProgram([part(songs([100.0]))], seed=2)
    assert play(alone, 3) == ["s0", "s0", "s0"]


def test_the_closing_songs_file_is_held_back_in_the_last_hour() -> None:
    tracks = songs([200.0] * 6)
    closing = tracks[5]
    program = MusicProgram([part(tracks)], seed=4, closing=closing, closing_at=10_000.0)
    late = [program.next(10_000.0 - 3000.0 + 200.0 * i, None)[0] for i in range(12)]
    assert closing not in late


_STEP = st.tuples(st.booleans(), st.floats(0, 900))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.integers(0, 5), min_size=2, max_size=20),
    st.lists(st.floats(90, 330), min_size=20, max_size=20),
    st.integers(0, 3),
    st.lists(_STEP, min_size=10, max_size=60),
    st.integers(0, 1000),
)
def test_each_pick_keeps_what_separation_the_round_allows(
    artists: list[int],
    durations: list[float],
    artist_rule: int,
    steps: list[tuple[bool, float]],
    seed: int,
) -> None:
    """At each pick: a song is rested if any song is; with no timed item ahead, its artist is
    rested if any rested song of the round has a rested artist."""
    tracks = songs(durations[: len(artists)], "".join("abcdef"[a] for a in artists))
    program = MusicProgram([part(tracks)], seed=seed, separation=Separation(artists=artist_rule))
    state, history = program._parts[0], program._history
    rules = state.rules
    now = 0.0
    for timed, ahead in steps:
        rested = [t for t in tracks if history.gap(str(t.path)) >= rules.songs]
        both = [t for t in state.bag if t in rested and history.artist_gap(t) >= rules.artists]
        track, _ = program.next(now, now + ahead if timed else None)
        assert track is not None
        if rested:
            assert track in rested
        if both and not timed:  # (a new round's bag is drawn inside `next`: not checked)
            assert track in both
        now += track.duration or 0.0
