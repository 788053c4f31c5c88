"""The store's subscriber: the playing side's events written down as they happen.

Each item is a row of the as-run log from the moment it starts (its end still open) and is
closed as it leaves the air, so after a crash the log shows what was on air; skipped items
are rows of their own. Each change of a page's state (on air, aired, queued again after an
emergency cut it, cancelled, skipped) is written to the page and its history. Runs on the
follower thread; a store that fails is logged and the next event is tried again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from daemon.events import Event, ItemEnded, ItemStarted, PageChanged
from daemon.model import AsRunEntry, ItemKind
from daemon.store import Store, StoreError

__all__ = ["Recorder"]

log = logging.getLogger(__name__)


class Recorder:
    """Writes events of the day `day()` to `store`."""

    def __init__(self, store: Store, day: Callable[[], date]) -> None:
        self._store, self._day = store, day
        self._open: dict[tuple[float, str], int] = {}  # (start, ref) -> row of an item on air

    def __call__(self, event: Event) -> None:
        try:
            self._record(event)
        except (StoreError, KeyError) as err:
            log.error("could not write %s to the store: %s", type(event).__name__, err)

    def _record(self, event: Event) -> None:
        store = self._store
        match event:
            case ItemStarted(at, item):
                entry = AsRunEntry(at, at, item.kind, item.source, item.ref, item.title)
                insert = item.insert
                if insert is not None:
                    entry = AsRunEntry(
                        at, at, item.kind, item.source, item.ref, item.title,
                        insert.requested_at, insert.due_at, zones=insert.zones,
                    )  # fmt: skip
                row = store.asrun_started(self._day().isoformat(), entry)
                self._open[(at, item.ref)] = row
            case ItemEnded(entry):
                opened = self._open.pop((entry.start, entry.ref), None)
                if opened is None:  # skipped before it started
                    store.asrun_add(self._day().isoformat(), entry)
                else:  # aired; or started and failed mid-way: cut, with the reason
                    cut = entry.interrupted or entry.kind is ItemKind.SKIPPED
                    store.asrun_ended(opened, entry.end, cut, entry.reason)
            case PageChanged(at, page_id, state, reason):
                record = store.page(page_id)
                if record is not None and record.state != state:
                    store.set_page_state(page_id, state, at, reason)
            case _:
                pass
