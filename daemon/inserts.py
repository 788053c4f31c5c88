"""The insert queue: pages, fixed slots and campaigns waiting for a break. Pure.

Pages wait from the moment they are taken; a fixed slot joins the queue when its time comes
(B4), or up to `plan.fixed_early` seconds before when a break can air then (`release_fixed`
is given the horizon); campaigns are due by their own counters (B5, `policy.CampaignBook`),
fairest first, and not in the calm after an emergency (`calm_from`) nor within
`plan.campaign_min_gap` seconds of the last campaign announcement's start. `due(now)` is
what may air in the break at `now`, `take` removes what airs. From the closing song on only
pages remain due (B16). `restore` rebuilds the queue mid-day from the durable log: slots
that already aired stay aired, campaign counters count the plays before the restart, and
pages keep the instant they were accepted, so their place in the queue survives.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from daemon import policy
from daemon.model import (
    AsRunEntry,
    DayPlan,
    FixedSlot,
    Insert,
    InsertClass,
    Instant,
    ItemKind,
    Page,
    Source,
)

__all__ = ["MISSED_SLOT_GRACE", "InsertQueue", "QueueSnapshot"]

MISSED_SLOT_GRACE = 15 * 60.0
"""A fixed slot that fell due while the service was down airs late only if it is at most this
many seconds old at the restart (or was on air when the service stopped); else it is logged
as skipped: a morning's binder read out all at once at noon helps nobody."""


@dataclass(frozen=True, slots=True)
class QueueSnapshot:
    pending: tuple[Insert, ...]  # in the order they would air
    next_fixed: Instant | None
    calm_until: Instant | None = None  # campaigns held back until then after an emergency


class InsertQueue:
    def __init__(self, plan: DayPlan) -> None:
        self._plan = plan
        self._campaigns = policy.CampaignBook(
            plan.campaigns, plan.opening, plan.calm_after_emergency, plan.campaign_min_gap
        )
        self._future = deque(sorted(plan.fixed, key=lambda s: policy.fixed_insert(s).seq))
        self._pending: list[Insert] = []
        self._done: set[tuple[str, Instant | None]] = set()  # (script, due) of slots aired
        self._arrivals = 0

    # -- pages -----------------------------------------------------------------------------

    def add_page(self, page: Page, requested_at: Instant) -> Insert:
        self._arrivals += 1
        insert = policy.page_insert(page, requested_at, page.duration, self._arrivals)
        self._pending.append(insert)
        return insert

    def cancel(self, page_id: str) -> bool:
        """Remove a waiting page; False if it is not waiting (on air, aired or unknown)."""
        for insert in self._pending:
            if insert.source is Source.PAGE and insert.ref == page_id:
                self._pending.remove(insert)
                return True
        return False

    def pages_ahead(self, urgent: bool) -> list[Insert]:
        """The pages waiting that a new page would wait behind, in airing order (a new
        urgent page only behind the urgent ones)."""
        pages = [i for i in self._pending if i.source is Source.PAGE]
        if urgent:
            pages = [i for i in pages if i.cls is InsertClass.URGENT_PAGE]
        return sorted(pages, key=lambda i: (i.cls, i.seq))

    def drop_pages(self) -> list[Insert]:
        """Take every waiting page out (the day is over)."""
        pages = [i for i in self._pending if i.source is Source.PAGE]
        self._pending = [i for i in self._pending if i.source is not Source.PAGE]
        return pages

    def requeue(self, insert: Insert) -> None:
        """An announcement an emergency cut: it airs again in full (B12), in its old place (a
        campaign: first of the campaigns, once the calm and the gap allow one)."""
        if insert.source is Source.CAMPAIGN:
            _, rank, ref = insert.seq
            insert = replace(insert, seq=(-1.0, rank, ref))
        self._pending.append(insert)

    def urgent_deadlines(self, wait: float) -> list[Instant]:
        return [
            (i.requested_at or 0.0) + wait
            for i in self._pending
            if i.cls is InsertClass.URGENT_PAGE
        ]

    # -- breaks ----------------------------------------------------------------------------

    def due(self, now: Instant, closing: bool) -> list[Insert]:
        """Inserts that may air now: pages always, the rest only while open and not closing;
        campaigns (a cut one waiting to air again too) not in the calm after an emergency nor
        within the minimum gap after the last one started."""
        if closing:
            return [i for i in self._pending if i.source is Source.PAGE]
        if self._campaigns.held(now):
            return [i for i in self._pending if i.source is not Source.CAMPAIGN]
        return self._pending + self._campaigns.due(now)

    def take(self, insert: Insert, now: Instant) -> None:
        """`insert` goes on air now."""
        if insert in self._pending:
            self._pending.remove(insert)
        if insert.source is Source.CAMPAIGN:
            self._campaigns.aired(insert.ref, now)

    def song_ended(self) -> None:
        self._campaigns.song_ended()

    def calm_from(self, now: Instant) -> None:
        """An emergency's sound ended at `now`: no campaign during the calm that follows."""
        self._campaigns.calm_from(now)

    @property
    def calm_until(self) -> Instant:
        return self._campaigns.calm_until

    # -- fixed slots -----------------------------------------------------------------------

    def release_fixed(self, horizon: Instant) -> list[Insert]:
        """Slots due by `horizon` (now, or now and the slot window) join the queue; returns
        them."""
        released = []
        while self._future and self._future[0].due <= horizon:
            insert = policy.fixed_insert(self._future.popleft())
            self._pending.append(insert)
            released.append(insert)
        return released

    def slot_aired(self, insert: Insert) -> None:
        """A fixed slot's announcement aired in full: a new schedule does not air it again."""
        self._done.add((insert.ref, insert.due_at))

    def drop_fixed(self) -> list[Insert]:
        """Closing (B16): every fixed slot, waiting or still to come, is dropped; returns them."""
        dropped = [i for i in self._pending if i.source is Source.FIXED]
        for insert in dropped:
            self._pending.remove(insert)
        dropped += [policy.fixed_insert(s) for s in self._future]
        self._future.clear()
        return dropped

    def fixed_waiting(self) -> bool:
        """A slot has joined the queue and waits for a break (the last one was full)."""
        return any(i.source is Source.FIXED for i in self._pending)

    def next_fixed_due(self) -> Instant:
        return self._future[0].due if self._future else float("inf")

    def future_fixed(self) -> Iterator[FixedSlot]:
        return iter(self._future)

    # -- the library changed ---------------------------------------------------------------

    def reschedule(self, now: Instant, plan: DayPlan) -> None:
        """`plan`'s fixed slots and campaigns from now on. Campaign counters go on
        (`CampaignBook.replan`), as does a calm after an emergency. A slot aired counts as
        aired; one still to air, or waiting for a break, stays if the new plan has it (its
        new version airs); the new plan's slots already past are not aired late. Waiting
        announcements of scripts the new plan no longer has are dropped; pages stay. Runs on
        the audio thread: no pass over the day's log, only over the plan."""
        self._plan = plan
        self._campaigns.replan(plan.campaigns)
        slots = {(s.script.id, s.due): s for s in plan.fixed}
        campaigns = {c.script.id for c in plan.campaigns}
        done = set(self._done)
        waiting = {(s.script.id, s.due) for s in self._future}
        pending: list[Insert] = []
        for insert in self._pending:
            if insert.source is Source.FIXED:
                slot = slots.get((insert.ref, insert.due_at or 0.0))
                if slot is not None:
                    pending.append(policy.fixed_insert(slot))
                    done.add((insert.ref, insert.due_at or 0.0))
            elif insert.source is not Source.CAMPAIGN or insert.ref in campaigns:
                pending.append(insert)
        self._pending = pending
        ahead = (s for k, s in slots.items() if k not in done and (k in waiting or s.due > now))
        self._future = deque(sorted(ahead, key=lambda s: policy.fixed_insert(s).seq))

    # -- status and recovery ---------------------------------------------------------------

    def snapshot(self, now: Instant, closing: bool) -> QueueSnapshot:
        waiting = sorted(self.due(now, closing), key=lambda i: (i.cls, i.seq))
        calm = self.calm_until if now < self.calm_until else None
        return QueueSnapshot(tuple(waiting), self._future[0].due if self._future else None, calm)

    def restore(
        self, now: Instant, aired: Sequence[AsRunEntry], pages: Sequence[tuple[Page, Instant]]
    ) -> list[Insert]:
        """Rebuild from the day's as-run log and the pages not yet aired; returns the slots
        missed while the service was down, for the engine to log as skipped (once: a slot
        the log already shows skipped, by an earlier restart or at its time, is settled)."""
        done = self._done = _aired_slots(aired)
        fixed = [e for e in aired if e.source is Source.FIXED]
        cut = {(e.ref, e.due_at) for e in fixed if e.interrupted}
        settled = {(e.ref, e.due_at) for e in fixed if e.kind is ItemKind.SKIPPED}
        missed: list[Insert] = []
        kept: deque[FixedSlot] = deque()
        for slot in self._future:
            key = (slot.script.id, slot.due)
            if key in done or key in settled:
                continue
            if slot.due < now - MISSED_SLOT_GRACE and key not in cut:
                missed.append(policy.fixed_insert(slot))
            else:
                kept.append(slot)
        self._future = kept
        self._campaigns.restore(aired)
        for page, requested_at in sorted(pages, key=lambda p: p[1]):  # stable: ties keep order
            self.add_page(page, requested_at)
        return missed


def _aired_slots(aired: Sequence[AsRunEntry]) -> set[tuple[str, Instant | None]]:
    """(script id, due) of each fixed slot the log shows aired in full."""
    return {
        (e.ref, e.due_at)
        for e in aired
        if e.kind is ItemKind.ANNOUNCEMENT and e.source is Source.FIXED and not e.interrupted
    }
