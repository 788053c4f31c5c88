"""The log says why nothing plays when the service starts outside business hours."""

from __future__ import annotations

from daemon.drivers.days import closed_note
from tests.factory import at, make_plan


def test_before_opening_after_closing_and_while_open() -> None:
    plan = make_plan()  # open 10:00-22:00
    assert closed_note(plan, at(plan, "00:42")) == "the store opens at 10:00: silent until then"
    assert closed_note(plan, at(plan, "09:59:59")) == "the store opens at 10:00: silent until then"
    assert closed_note(plan, at(plan, "10:00")) is None
    assert closed_note(plan, at(plan, "21:59:59")) is None
    assert closed_note(plan, at(plan, "22:00")) == (
        "the store closed at 22:00: silent until tomorrow's opening"
    )
