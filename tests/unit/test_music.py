"""Song choice per daypart: order, shuffle bags, unplayable songs."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from daemon.model import Daypart, Track
from daemon.music import MusicProgram


def part(
    durations: list[float | None], shuffle: bool, start: float = 0.0, end: float = 1e9
) -> Daypart:
    tracks = tuple(
        Track(Path(f"/m/{i}.ogg"), str(i), d, None if d else "broken")
        for i, d in enumerate(durations)
    )
    return Daypart(start, end, "p", Path("/p.m3u8"), tracks, shuffle)


def test_sequential_skips_unplayable_and_reports_them() -> None:
    program = MusicProgram([part([100.0, None, 120.0], shuffle=False)], seed=1)
    first, skipped = program.next(0.0, None)
    second, skipped2 = program.next(100.0, None)
    assert (first and first.title, skipped) == ("0", [])
    assert second and second.title == "2"
    assert [t.title for t in skipped2] == ["1"]


def test_nothing_playable_gives_none_not_a_loop() -> None:
    program = MusicProgram([part([None, None], shuffle=True)], seed=1)
    track, skipped = program.next(0.0, None)
    assert track is None and len(skipped) == 2


def test_shuffle_is_seeded_and_uses_the_whole_list_each_round() -> None:
    def titles(seed: int) -> list[str]:
        program = MusicProgram([part([100.0 + i for i in range(6)], shuffle=True)], seed=seed)
        return [program.next(0.0, None)[0].title for _ in range(12)]  # type: ignore[union-attr]

    assert titles(3) == titles(3) and titles(3) != titles(4)
    assert sorted(titles(3)[:6]) == sorted(titles(3)[6:]) == [str(i) for i in range(6)]


def test_daypart_by_time() -> None:
    program = MusicProgram([part([100.0], False, 0, 50), part([200.0], False, 50, 100)], seed=0)
    assert program.next(10.0, None)[0].duration == 100.0  # type: ignore[union-attr]
    assert program.next(60.0, None)[0].duration == 200.0  # type: ignore[union-attr]
    assert program.next(500.0, None)[0].duration == 200.0  # type: ignore[union-attr]  # after the last: the last


def test_shuffle_picks_the_song_that_lands_on_the_target() -> None:
    program = MusicProgram([part([200.0, 230.0, 260.0, 290.0], shuffle=True)], seed=5)
    track, _ = program.next(0.0, target=260.0)
    assert track is not None and track.duration == 260.0


def named(part_: Daypart, name: str, start: float, end: float) -> Daypart:
    tracks = tuple(Track(Path(f"/m/{name}{i}.ogg"), f"{name}{i}", t.duration, t.problem)
                   for i, t in enumerate(part_.tracks))  # fmt: skip
    return Daypart(start, end, name, Path(f"/{name}.m3u8"), tracks, part_.shuffle)


def test_a_daypart_with_nothing_playable_borrows_its_neighbours_list_and_says_so_once() -> None:
    day = named(part([100.0, 110.0], False), "day", 0, 1000)
    evening = named(part([None, None], True), "eve", 1000, 2000)
    program = MusicProgram([day, evening], seed=1)
    first, skipped = program.next(1000.0, None)
    assert first is not None and first.title.startswith("day")
    assert sorted(t.title for t in skipped) == ["eve0", "eve1"]  # its broken files, once
    assert [(p.name, "has no playable song" in n) for p, n in program.notices] == [("eve", True)]
    assert "playing daypart day's list" in program.notices[0][1]
    program.notices.clear()
    for now in (1100.0, 1200.0, 1300.0):
        track, skipped = program.next(now, None)
        assert track is not None and skipped == [] and program.notices == []


def test_music_fallback_when_no_daypart_has_a_song() -> None:
    only = named(part([None], True), "eve", 0, 1000)
    spare = named(part([90.0, 95.0], True), "music.fallback", 0, 1000)
    program = MusicProgram([only], seed=1, fallback=spare)
    track, _ = program.next(10.0, None)
    assert track is not None and track.title.startswith("music.fallback")
    assert "playing music.fallback (music.fallback.m3u8)" in program.notices[0][1]


def test_a_list_whose_files_vanished_rests_and_is_retried_at_a_bounded_rate() -> None:
    program = MusicProgram([named(part([100.0, 110.0, 120.0], True), "eve", 0, 1e6)], seed=2)
    now, tries = 0.0, []
    while now < 4000.0:
        track, _ = program.next(now, None)
        if track is None:
            retry = program.retry_at(now)
            assert retry is not None and retry > now
            now = retry
            continue
        tries.append(now)
        program.failed(now)  # every file is gone: each fails as it starts
    # the first pass tries each file once; then one file per retry, the rest doubling
    assert tries[:3] == [0.0, 0.0, 0.0]
    gaps = [b - a for a, b in pairwise(tries[2:])]
    assert gaps[:6] == [30.0, 60.0, 120.0, 240.0, 480.0, 600.0]
    assert len(tries) == 3 + 10  # retries at 30, 90, 210, 450, 930, then every 600 s


def test_a_song_that_airs_ends_the_rest() -> None:
    program = MusicProgram([named(part([100.0, 110.0], False), "day", 0, 1e6)], seed=2)
    for _ in range(2):
        program.next(0.0, None)
        program.failed(0.0)
    assert program.next(10.0, None)[0] is None and program.retry_at(10.0) == 30.0
    assert program.next(30.0, None)[0] is not None
    program.aired()
    assert program.retry_at(30.0) is None
    program.next(130.0, None)
    program.failed(130.0)  # one failure after a song aired is not a failed pass
    assert program.next(130.0, None)[0] is not None
