"""The as-run recorder: the one place that builds timeline entries and the events they make.

Pure. `started(at, item)` notes an item going on air; `ended(...)` logs it as it leaves the
air; `skipped(...)` logs what could not air. Each call appends to `timeline` (entries in
the order items ended) and to the event outbox that `drain()` empties. A page's state
follows its announcement: on air when it starts, aired when it ends in full, queued again
when an emergency cut it (it airs again in full, B12), skipped when it cannot air.
"""

from __future__ import annotations

from daemon.events import Event, ItemEnded, ItemStarted, PageChanged
from daemon.model import AsRunEntry, Instant, Item, ItemKind, Source, Track

__all__ = ["AsRun"]


class AsRun:
    def __init__(self) -> None:
        self.timeline: list[AsRunEntry] = []
        self._events: list[Event] = []

    def emit(self, event: Event) -> None:
        self._events.append(event)

    def drain(self) -> list[Event]:
        """The events since the last drain, oldest first."""
        events, self._events = self._events, []
        return events

    def started(self, at: Instant, item: Item) -> None:
        self._events.append(ItemStarted(at, item))
        if _is_page(item):
            self._events.append(PageChanged(at, item.ref, "on_air"))

    def ended(self, item: Item, start: Instant, end: Instant, interrupted: bool) -> AsRunEntry:
        insert = item.insert
        entry = AsRunEntry(
            start,
            end,
            item.kind,
            item.source,
            item.ref,
            item.title,
            requested_at=insert.requested_at if insert else None,
            due_at=insert.due_at if insert else None,
            interrupted=interrupted,
            reason=item.track.note if item.track else "",
            zones=insert.zones if insert else (),
        )
        self._append(entry)
        if _is_page(item):
            state, why = ("queued", "cut by an emergency") if interrupted else ("aired", "")
            self._events.append(PageChanged(end, item.ref, state, why))
        return entry

    def skipped(
        self,
        start: Instant,
        end: Instant,
        source: Source,
        ref: str,
        title: str,
        reason: str,
        *,
        requested_at: Instant | None = None,
        due_at: Instant | None = None,
    ) -> None:
        """Log something that could not air (a file, a page, a slot), and why."""
        self._append(
            AsRunEntry(
                start,
                end,
                ItemKind.SKIPPED,
                source,
                ref,
                title,
                requested_at=requested_at,
                due_at=due_at,
                reason=reason,
            )
        )
        if source is Source.PAGE:
            self._events.append(PageChanged(end, ref, "skipped", reason))

    def playable(self, now: Instant, track: Track, source: Source) -> bool:
        """True if `track` can air; else it is logged as skipped, with its problem."""
        if not track.playable:
            reason = track.problem or "cannot be played"
            self.skipped(now, now, source, str(track.path), track.title, reason)
        return track.playable

    def _append(self, entry: AsRunEntry) -> None:
        self.timeline.append(entry)
        self._events.append(ItemEnded(entry))


def _is_page(item: Item) -> bool:
    return item.kind is ItemKind.ANNOUNCEMENT and item.source is Source.PAGE
