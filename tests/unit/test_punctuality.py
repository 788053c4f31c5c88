"""The song chooser that lands boundaries just after timed items."""

from __future__ import annotations

from daemon.punctuality import choose


def test_far_targets_and_past_targets_need_no_plan() -> None:
    assert choose([200.0, 210.0, 220.0], 5000.0) is None
    assert choose([200.0, 210.0], 0.0) is None
    assert choose([], 100.0) is None


def test_one_song_that_ends_just_after_the_target() -> None:
    assert choose([300.0, 190.0, 185.0], 180.0) == 2  # 185 overshoots least


def test_shortest_song_when_every_song_overshoots() -> None:
    assert choose([240.0, 200.0, 260.0], 10.0) == 1


def test_a_run_of_two_or_three_songs_and_its_earliest_member_first() -> None:
    # 200 + 250 = 450 lands exactly; the earlier of the two in preferred order plays first
    assert choose([300.0, 250.0, 400.0, 200.0], 450.0) == 1
    # three songs: 100 + 120 + 130 = 350 exactly; index 0 (100) comes first among them
    assert choose([100.0, 500.0, 120.0, 130.0], 350.0) == 0


def test_ties_keep_the_shuffle_order() -> None:
    assert choose([181.0, 180.5, 180.2], 180.0) == 0  # all within a second: first wins
    assert choose([185.0, 181.0], 180.0) == 1  # four seconds better: reordered
