"""The engine's forecast, in the quiet hours too: nothing within the horizon is an answer."""

from __future__ import annotations

from daemon.drivers.forecast import forecast
from daemon.drivers.playout import Playout
from tests.factory import at, make_plan


def test_a_forecast_in_the_night_has_nothing_coming_and_no_error() -> None:
    """At 01:00 the store opens at 10:00: nothing starts in the next 15 minutes (the service
    started at night used to lose its follower thread to this)."""
    plan = make_plan()
    playout = Playout(plan, start=at(plan, "01:00"))
    seen = forecast(playout)
    assert seen.upcoming == () and seen.following is None and seen.pages == {}


def test_a_forecast_in_opening_hours_lists_what_comes_in_order() -> None:
    plan = make_plan()
    playout = Playout(plan, start=at(plan, "10:00"))
    seen = forecast(playout)
    assert seen.upcoming and seen.following is seen.upcoming[0].item
    starts = [u.at for u in seen.upcoming]
    assert starts == sorted(starts) and all(u.ends > u.at for u in seen.upcoming)
    assert all(a.ends <= b.at for a, b in zip(seen.upcoming, seen.upcoming[1:], strict=False))
