"""The terminal and the journal: one line per event of the playing side.

An event subscriber: item started (what, until when), page queued / on air / aired /
cancelled / skipped, emergency started and cleared, commands the engine refused, and
skipped items with their reason. Lines go to the `mall-pa` logger, which the service
sends to standard output (journald keeps them under systemd).
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from daemon.events import (
    CommandApplied,
    EmergencyChanged,
    Event,
    ItemEnded,
    ItemStarted,
    PageChanged,
)  # fmt: skip
from daemon.model import EmergencyCall, ItemKind
from daemon.notify import Notifier
from daemon.recurrence import to_local

__all__ = ["EventLog", "OnAirStatus", "StoreClockFormatter"]

log = logging.getLogger("mall-pa")


class StoreClockFormatter(logging.Formatter):
    """Lines stamped on the store's wall clock, as every time inside them is: a host on
    another zone (a developer's laptop, a server on UTC) does not put two clocks in a line."""

    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__("%(asctime)s %(levelname)s %(message)s")
        self.zone = zone

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        stamp = datetime.fromtimestamp(record.created, self.zone)
        return f"{stamp:%Y-%m-%d %H:%M:%S},{int(record.msecs):03d}"


class EventLog:
    def __init__(self, zone: ZoneInfo, base: Path | None = None) -> None:
        self.zone, self.base = zone, base

    def __call__(self, event: Event) -> None:
        match event:
            case ItemStarted(at, item):
                until = self._clock(at + item.duration)
                what = item.title or self._ref(item.ref)
                log.info("on air: %s %s (%s) until %s", item.kind.value, what, item.source, until)
            case ItemEnded(entry) if entry.kind is ItemKind.SKIPPED:
                log.warning("skipped: %s %s: %s", entry.source, self._ref(entry.ref), entry.reason)
            case ItemEnded(entry) if entry.interrupted:
                log.info("cut at %s: %s %s", self._clock(entry.end), entry.kind.value, entry.title)
            case PageChanged(at, page_id, state, reason):
                log.info("page %s: %s%s", page_id, state, f" ({reason})" if reason else "")
            case EmergencyChanged(at, active, script_id, title):
                verb = "EMERGENCY started" if active else "emergency cleared"
                log.warning("%s at %s: %s (%s)", verb, self._clock(at), title, script_id)
            case CommandApplied(_, command, False, reason):
                log.info("not applied: %s: %s", type(command).__name__, reason)
            case CommandApplied(_, EmergencyCall(script=script), True, reason) if reason:
                log.warning("emergency %s %s (its priority %d)", script.id, reason, script.priority)
            case _:
                pass

    def _clock(self, at: float) -> str:
        return f"{to_local(at, self.zone):%H:%M:%S}"

    def _ref(self, ref: str) -> str:
        base = str(self.base) + "/" if self.base is not None else None
        return ref[len(base) :] if base is not None and ref.startswith(base) else ref


class OnAirStatus:
    """systemd's STATUS= line follows what is on air (`systemctl status mall-pa` shows it)."""

    def __init__(self, notifier: Notifier) -> None:
        self.notifier = notifier

    def __call__(self, event: Event) -> None:
        if isinstance(event, ItemStarted):
            item = event.item
            self.notifier.status(f"on air: {item.kind.value} {item.title}")
