"""Song choice per daypart: order, shuffle bags, unplayable songs."""

from __future__ import annotations

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
