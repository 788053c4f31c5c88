"""The song chooser that lands boundaries just after timed items."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from daemon.punctuality import DEPTH, TIE_SECONDS, choose, plan


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


def test_a_window_lets_a_run_end_before_the_target() -> None:
    # 170 ends 10 s early, 200 ends 20 s late: with a 60 s window the early one is nearer
    assert choose([200.0, 170.0], 180.0, early=60.0) == 1
    assert choose([200.0, 170.0], 180.0) == 0  # no window: only runs that reach count


def test_a_run_ends_at_its_first_boundary_in_the_window() -> None:
    # the window opens at 120: 130 ends in it (the break airs after it, 50 s early), so
    # 130 then 50 is no run; 50 may not air first (rested); 100 + 80 is a run, exact
    assert plan([130.0, 50.0], 180.0, [0, 1], early=60.0) == (0, 50.0)
    assert plan([130.0, 50.0], 180.0, early=60.0) == (1, 0.0)  # 50 then 130
    assert plan([100.0, 80.0], 180.0, early=60.0) == (0, 0.0)


def test_past_targets_and_far_windows_need_no_plan() -> None:
    assert choose([200.0], 0.0, early=60.0) is None
    assert choose([100.0, 100.0, 100.0], 400.0, early=60.0) is None  # 300 < 340
    assert choose([100.0, 100.0, 150.0], 400.0, early=60.0) == 0  # 350 reaches the window


def _best(durations: list[float], remaining: float, place: list[int], early: float) -> float | None:
    """The oracle: every ordered run of up to DEPTH songs, each ready at its place, ending at
    its first boundary from the window's opening on; the least distance from the target."""
    reach = remaining - early
    best: float | None = None

    def walk(total: float, used: tuple[int, ...]) -> None:
        nonlocal best
        for i, d in enumerate(durations):
            if i in used or place[i] > len(used):
                continue
            if total + d >= reach:
                off = abs(total + d - remaining)
                best = off if best is None else min(best, off)
            elif len(used) + 1 < DEPTH:
                walk(total + d, (*used, i))

    walk(0.0, ())
    return best


@settings(max_examples=300, deadline=None)
@given(
    durations=st.lists(st.floats(60.0, 400.0), min_size=1, max_size=8),
    remaining=st.floats(1.0, 1500.0),
    early=st.sampled_from([0.0, 30.0, 60.0, 300.0]),
    data=st.data(),
)
def test_the_chosen_run_is_the_best_there_is(
    durations: list[float], remaining: float, early: float, data: st.DataObject
) -> None:
    place = data.draw(st.lists(st.integers(0, 3), min_size=len(durations),
                               max_size=len(durations)))  # fmt: skip
    place[data.draw(st.integers(0, len(durations) - 1))] = 0  # one is always ready now
    got = plan(durations, remaining, place, early)
    oracle = _best(durations, remaining, place, early)
    if oracle is None:
        assert got is None
        return
    assert got is not None
    first, off = got
    assert place[first] == 0
    assert off <= oracle + TIE_SECONDS
