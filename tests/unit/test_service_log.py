"""The service's log lines are stamped on the store's clock, whatever the host's zone."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from daemon.service_log import StoreClockFormatter


def test_a_line_is_stamped_on_the_stores_clock() -> None:
    created = datetime(2026, 12, 3, 16, 42, 17, 81_000, tzinfo=ZoneInfo("UTC")).timestamp()
    record = logging.LogRecord("mall-pa", logging.INFO, __file__, 1, "on air: %s", ("song",), None)
    record.created, record.msecs = created, 81.0
    line = StoreClockFormatter(ZoneInfo("Asia/Shanghai")).format(record)
    assert line == "2026-12-04 00:42:17,081 INFO on air: song"
