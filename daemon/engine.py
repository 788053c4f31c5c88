"""The playout engine: a pure state machine over one business day.

It never reads a clock, sleeps or touches a device. A driver tells it what happened:

- `advance(now)`: the output is free (the item on air ended or was cut); returns the item
  to start at `now`, or None for silence until `wake_at()`;
- `command(now, cmd)`: a page, an emergency, a clear or a cancel arrived;
- `tick(now)`: `wake_at()` has come.

`command` and `tick` may return a `Cut`: fade the item on air out so that the output is
free at `cut.at`, then call `advance(cut.at)`. Everything that aired, or was skipped, is
appended to `timeline` as it ends; `drain()` hands over the events (`daemon.events`).

This module keeps the books of the item on air (since when, cut when) and applies
commands; `phases` decides what airs at each free moment. An engine started mid-day is
`restore`d from the durable log, never re-simulated from midnight.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import assert_never

from daemon import policy
from daemon.emergency import EmergencySnapshot, Start
from daemon.events import CommandApplied, EmergencyChanged, Event, PageChanged
from daemon.inserts import QueueSnapshot
from daemon.model import (
    Cancel,
    Clear,
    Command,
    DayPlan,
    EmergencyCall,
    Instant,
    Item,
    ItemKind,
    Page,
    Recovery,
    Reschedule,
    Source,
)
from daemon.phases import Phases

__all__ = ["Cut", "Engine", "EngineSnapshot"]

_DAY_OVER = "the day ended before it could air"


@dataclass(frozen=True, slots=True)
class Cut:
    """Free the output at `at`, fading the item on air out over `fade` seconds."""

    at: Instant
    fade: float


@dataclass(frozen=True, slots=True)
class EngineSnapshot:
    """The engine's state for the desk: what is on air, what waits, the emergency."""

    on_air: Item | None
    started: Instant
    ends: Instant | None  # natural end, or the cut's
    in_break: bool
    closing: bool
    queue: QueueSnapshot
    emergency: EmergencySnapshot | None


class Engine:
    """Decides what airs next, at song boundaries, under the rules B3-B16."""

    def __init__(self, plan: DayPlan) -> None:
        self.plan = plan
        self._day = Phases(plan)
        self._asrun = self._day.asrun
        self._queue = self._day.queue
        self._emergency = self._day.emergency
        self.timeline = self._asrun.timeline
        self._now = float("-inf")
        self._current: Item | None = None
        self._started: Instant = 0.0
        self._cut_at: Instant | None = None

    # -- the driver's interface ------------------------------------------------------------

    @property
    def on_air(self) -> Item | None:
        return self._current

    def accepts_pages(self, now: Instant) -> bool:
        """Pages are taken while the store is open (B16)."""
        return self.plan.open_at(now) and not self._day.closed

    def advance(self, now: Instant) -> Item | None:
        self._now = now
        ended, interrupted = self._close(now)
        return self._begin(now, self._day.decide(now, ended, interrupted))

    def command(self, now: Instant, cmd: Command) -> Cut | None:
        self._now = now
        match cmd:
            case Page():
                return self._page(now, cmd)
            case EmergencyCall():
                return self._call(now, cmd)
            case Clear():
                return self._clear(now, cmd)
            case Cancel():
                self._cancel(now, cmd)
                return None
            case Reschedule():
                self.plan = replace(self.plan, fixed=cmd.fixed, campaigns=cmd.campaigns)
                self._day.reschedule(now, self.plan)
                self._emit(CommandApplied(now, cmd))
                return None
            case _:
                assert_never(cmd)

    def wake_at(self) -> Instant | None:
        """When `tick` must be called, if nothing else happens first; never in the past."""
        wake = self._wake_at()
        return None if wake is None else max(wake, self._now)

    def tick(self, now: Instant) -> Cut | None:
        """Time has come to `now`: act if it is at or past the wake-up asked for before
        (asked again at `now`, a slot due at `now` would be in the past already)."""
        wake = self.wake_at()
        self._now = now
        if wake is None or now < wake:
            return None
        if self._current is None:
            return Cut(now, 0.0)
        return self._cut(now, self.plan.urgent_fade)  # an urgent page has waited long enough

    def finish(self, now: Instant) -> None:
        """Stop: log the item on air as ending at `now` (the driver's day or process is over).
        At the day's end, pages and fixed slots still waiting are logged as skipped: none is
        lost unsaid (a stop before it leaves them to the durable log, for the restart)."""
        if self._current is not None:
            if self._started + self._current.duration > now:
                self._cut_at = now
            self._close(now)
            self._current = None
        if now >= self.plan.day_end:
            for left in [*self._queue.drop_pages(), *self._queue.drop_fixed()]:
                self._asrun.skipped(
                    now, now, left.source, left.ref, left.title, _DAY_OVER,
                    requested_at=left.requested_at, due_at=left.due_at,
                )  # fmt: skip

    def fail(self, now: Instant, reason: str) -> Item | None:
        """The item on air could not be played: log it as skipped and go on as if it ended."""
        failed = self._current
        if failed is not None:
            insert = failed.insert  # a slot's due time: a restart knows it was settled
            self._asrun.skipped(
                self._started, now, failed.source, failed.ref, failed.title, reason,
                requested_at=insert.requested_at if insert else None,
                due_at=insert.due_at if insert else None,
            )  # fmt: skip
            self._day.failed(now, failed)
        self._now, self._current = now, None
        return self._begin(now, self._day.decide(now, failed, interrupted=False))

    def drain(self) -> list[Event]:
        """The events since the last drain (see `daemon.events`)."""
        return self._asrun.drain()

    def restore(self, now: Instant, recovery: Recovery) -> None:
        """Take up the day at `now` from the durable log; call before the first `advance`.

        Slots and campaign plays already aired count as aired, the music goes on from where
        the log left it, pages taken wait in their old order, an active emergency is active
        again at once; fixed slots missed while the service was down are logged as skipped
        (`inserts.MISSED_SLOT_GRACE`)."""
        self._now = now
        self._day.restore(now, recovery)

    def snapshot(self) -> EngineSnapshot:
        current = self._current
        ends = None
        if current is not None:
            natural = self._started + current.duration
            ends = natural if self._cut_at is None else min(natural, self._cut_at)
        return EngineSnapshot(
            current,
            self._started,
            ends,
            self._day.breaks.open,
            self._day.closing,
            self._queue.snapshot(self._now, self._day.closing or self._now >= self.plan.closing),
            self._emergency.snapshot(),
        )

    def _call(self, now: Instant, cmd: EmergencyCall) -> Cut | None:
        """An emergency cuts in at once, unless one of its priority or higher is on air."""
        started = self._emergency.start(now, cmd)
        if started is Start.ALREADY:
            self._emit(CommandApplied(now, cmd, False, f"{cmd.script.id} is active already"))
            return None
        self._emit(EmergencyChanged(now, True, cmd.script.id, cmd.script.title))
        if started is Start.WAITING:
            on_air = self._emergency.active
            assert on_air is not None
            self._emit(CommandApplied(now, cmd, True, f"waits for {on_air.ref}"))
            return None
        self._emit(CommandApplied(now, cmd))
        return self._cut(now, self.plan.emergency_fade)

    def _clear(self, now: Instant, cmd: Clear) -> Cut | None:
        """The item on air finishes; then the next active emergency, or the all-clear."""
        cleared = self._emergency.clear(now, cmd.script_id)
        if not cleared:
            which = f"{cmd.script_id} is not active" if cmd.script_id else "none is active"
            self._emit(CommandApplied(now, cmd, False, which))
            return None
        for insert in cleared:
            self._emit(EmergencyChanged(now, False, insert.ref, insert.title))
        self._emit(CommandApplied(now, cmd))
        return Cut(now, 0.0) if self._current is None else None

    # -- deciding --------------------------------------------------------------------------

    def _wake_at(self) -> Instant | None:
        if self._current is None:
            if self._emergency.active is not None:
                return self._emergency.next_at
            if not self._day.opened:
                return self.plan.opening
            return None if self._day.closed else self._day.retry_at(self._now)
        current = self._current
        if current.kind is ItemKind.MUSIC and self._cut_at is None:
            if current.source is Source.CLOSING_SONG:  # it keeps its place: urgent pages
                return None  # air right after it (B16), however many come
            return min(self._queue.urgent_deadlines(self.plan.urgent_max_wait), default=None)
        return None

    # -- commands --------------------------------------------------------------------------

    def _page(self, now: Instant, page: Page) -> Cut | None:
        reason = "" if self.accepts_pages(now) else "outside business hours"
        reason = reason or self._too_many(now, page)
        if reason:
            self._asrun.skipped(now, now, Source.PAGE, page.id, page.text, reason, requested_at=now)
            self._emit(CommandApplied(now, page, False, reason))
            return None
        self._queue.add_page(page, now)
        self._emit(PageChanged(now, page.id, "queued"))
        self._emit(CommandApplied(now, page))
        if self._current is None and self._emergency.active is None:
            return Cut(now, 0.0)  # silence while open: nothing to wait for
        return None

    def _too_many(self, now: Instant, page: Page) -> str:
        """Why `page` cannot be taken for the queue ahead of it, if it cannot (see
        `policy.MAX_PAGE_WAIT`)."""
        ahead = self._queue.pages_ahead(page.urgent)
        plan, current = self.plan, self._current
        boundary = 0.0 if current is None else max(0.0, self._started + current.duration - now)
        # urgent pages air break after break, with no song between (phases._boundary)
        song = 0.0 if self._day.closing or page.urgent else self._day.music.typical(now)
        stings = sum(t.duration or 0.0 for t in (plan.intro, plan.outro) if t.playable)
        lengths = [i.duration for i in ahead] + [page.duration]
        wait = boundary + policy.page_wait(lengths, plan.max_announcements, stings, song)
        if wait <= policy.MAX_PAGE_WAIT:
            return ""
        return (
            f"{policy.QUEUE_FULL}: {len(ahead)} pages wait ahead of it, about "
            f"{wait / 60:.0f} minutes; try again later, or page it again once those have aired"
        )

    def _cancel(self, now: Instant, cancel: Cancel) -> None:
        if self._queue.cancel(cancel.page_id):
            self._emit(PageChanged(now, cancel.page_id, "cancelled", cancel.requested_by))
            self._emit(CommandApplied(now, cancel))
            return
        on_air = self._current
        if on_air is not None and on_air.source is Source.PAGE and on_air.ref == cancel.page_id:
            reason = "on air: it finishes (B12)"
        else:
            reason = "not waiting to air"
        self._emit(CommandApplied(now, cancel, False, reason))

    def _cut(self, now: Instant, fade: float) -> Cut:
        if self._current is None:
            return Cut(now, 0.0)
        at = now + fade
        if self._cut_at is None or at < self._cut_at:
            self._cut_at = at
        return Cut(self._cut_at, self._cut_at - now)

    # -- bookkeeping -----------------------------------------------------------------------

    def _begin(self, now: Instant, item: Item | None) -> Item | None:
        self._current, self._started, self._cut_at = item, now, None
        if item is not None:
            self._asrun.started(now, item)
        return item

    def _close(self, now: Instant) -> tuple[Item | None, bool]:
        """Log the item that just left the air; requeue an announcement an emergency cut (B12)."""
        item, interrupted = self._current, self._cut_at is not None
        if item is None:
            return None, False
        self._asrun.ended(item, self._started, now, interrupted)
        if item.kind is ItemKind.MUSIC:
            self._queue.song_ended()
        elif item.kind is ItemKind.ANNOUNCEMENT and item.insert is not None:
            if interrupted:
                self._queue.requeue(item.insert)
            elif item.source is Source.FIXED:
                self._queue.slot_aired(item.insert)
        return item, interrupted

    def _emit(self, event: Event) -> None:
        self._asrun.emit(event)
