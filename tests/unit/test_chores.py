"""The chores' daily times: store-local wall-clock arithmetic, wrapping around midnight."""

from __future__ import annotations

from datetime import time

import pytest

from daemon.chores import _daily


@pytest.mark.parametrize(
    ("clock", "shift", "expected"),
    [
        (time(10, 0), -30 * 60, (9, 30)),  # the check, half an hour before opening
        (time(0, 10), -30 * 60, (23, 40)),  # ... the evening before a 00:10 opening
        (time.max, 10 * 60, (0, 10)),  # power off 10 minutes after a 24:00 closing
        (time(22, 0), 10 * 60, (22, 10)),
        (time(10, 0), 0, (10, 0)),
    ],
)
def test_daily_times(clock: time, shift: float, expected: tuple[int, int]) -> None:
    trigger = _daily(clock, shift)
    fields = {f.name: str(f) for f in trigger.fields}
    assert (int(fields["hour"]), int(fields["minute"])) == expected
