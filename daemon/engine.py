"""The playout engine: a pure state machine over one business day.

It never reads a clock, sleeps or touches a device. A driver tells it what happened:

- `advance(now)`: the output is free (the item on air ended or was cut); returns the item
  to start at `now`, or None for silence until `wake_at()`;
- `command(now, cmd)`: a page, an emergency or a clear arrived;
- `tick(now)`: `wake_at()` has come.

`command` and `tick` may return a `Cut`: fade the item on air out so that the output is
free at `cut.at`, then call `advance(cut.at)`. Everything that aired, or was skipped, is
appended to `timeline` as it ends.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass

from daemon import policy
from daemon.model import (
    AsRunEntry,
    Clear,
    Command,
    DayPlan,
    EmergencyCall,
    Insert,
    InsertClass,
    Instant,
    Item,
    ItemKind,
    Page,
    Source,
    Track,
)
from daemon.music import MusicProgram

__all__ = ["Cut", "Engine"]

_CLOSED = "the store closed before it could air"
_MID_BREAK = (ItemKind.INTRO, ItemKind.ANNOUNCEMENT)  # after these, the break goes on


@dataclass(frozen=True, slots=True)
class Cut:
    """Free the output at `at`, fading the item on air out over `fade` seconds."""

    at: Instant
    fade: float


class Engine:
    """Decides what airs next, at song boundaries, under the rules B3-B16."""

    def __init__(self, plan: DayPlan) -> None:
        self.plan = plan
        self.timeline: list[AsRunEntry] = []
        self._music = MusicProgram(plan.dayparts, plan.seed)
        self._campaigns = policy.CampaignBook(plan.campaigns, plan.opening)
        self._future_fixed = deque(sorted(plan.fixed, key=lambda s: policy.fixed_insert(s).seq))
        self._pending: list[Insert] = []
        self._arrivals = 0
        self._now = float("-inf")
        self._current: Item | None = None
        self._started: Instant = 0.0
        self._cut_at: Instant | None = None
        self._break_count: int | None = None  # announcements so far in the break on air
        self._opened = False  # the opening song has had its turn
        self._closing = False  # the closing song has started: no more fixed or campaigns
        self._closed = False  # the music is over for the day
        self._emergency: Insert | None = None
        self._emergency_next: Instant = 0.0  # when the next repetition may start
        self._emergency_period = 0.0  # seconds from one repetition's start to the next
        self._alerting = False  # the alert tone of the emergency is on air

    # -- the driver's interface ------------------------------------------------------------

    @property
    def on_air(self) -> Item | None:
        return self._current

    def accepts_pages(self, now: Instant) -> bool:
        """Pages are taken while the store is open (B16)."""
        return self.plan.opening <= now < self.plan.closing and not self._closed

    def advance(self, now: Instant) -> Item | None:
        self._now = now
        ended, interrupted = self._close(now)
        item = self._decide(now, ended, interrupted)
        self._current, self._started, self._cut_at = item, now, None
        return item

    def command(self, now: Instant, cmd: Command) -> Cut | None:
        self._now = now
        if isinstance(cmd, Page):
            return self._page(now, cmd)
        if isinstance(cmd, EmergencyCall):
            script = cmd.script
            self._emergency = Insert(
                InsertClass.EMERGENCY,
                Source.EMERGENCY,
                script.id,
                script.title,
                cmd.duration,
                requested_at=now,
                zones=(),
                audio=script.audio,
                text=script.text,
            )
            self._emergency_next, self._alerting = now, False
            self._emergency_period = script.repeat_every_seconds
            return self._cut(now, self.plan.emergency_fade)
        assert isinstance(cmd, Clear)
        if self._emergency is None:
            return None
        self._emergency = None  # the message on air finishes; no more repetitions
        return Cut(now, 0.0) if self._current is None else None

    def wake_at(self) -> Instant | None:
        """When `tick` must be called, if nothing else happens first; never in the past."""
        wake = self._wake_at()
        return None if wake is None else max(wake, self._now)

    def _wake_at(self) -> Instant | None:
        if self._current is None:
            if self._emergency is not None:
                return self._emergency_next
            if not self._opened:
                return self.plan.opening
            return None if self._closed else self._retry_at()
        if self._current.kind is ItemKind.MUSIC and self._cut_at is None:
            return min(self._urgent_deadlines(), default=None)
        return None

    def tick(self, now: Instant) -> Cut | None:
        self._now = now
        wake = self.wake_at()
        if wake is None or now < wake:
            return None
        if self._current is None:
            return Cut(now, 0.0)
        return self._cut(now, self.plan.urgent_fade)  # an urgent page has waited long enough

    def finish(self, now: Instant) -> None:
        """Stop: log the item on air as ending at `now` (the driver's day or process is over)."""
        if self._current is not None:
            if self._started + self._current.duration > now:
                self._cut_at = now
            self._close(now)
            self._current = None

    def fail(self, now: Instant, reason: str) -> Item | None:
        """The item on air could not be played: log it as skipped and go on as if it ended."""
        failed = self._current
        if failed is not None:
            self._log(
                self._started,
                now,
                ItemKind.SKIPPED,
                failed.source,
                failed.ref,
                failed.title,
                reason=reason,
            )
        self._now, self._current = now, None
        item = self._decide(now, failed, interrupted=False)
        self._current, self._started, self._cut_at = item, now, None
        return item

    # -- deciding --------------------------------------------------------------------------

    def _decide(self, now: Instant, ended: Item | None, interrupted: bool) -> Item | None:
        self._release_fixed(now)
        if self._emergency is not None:
            return self._emergency_step(now, ended, interrupted)
        if now < self.plan.opening and not self._opened:
            return None
        kind = None if ended is None else ended.kind
        if self._break_count is not None and not interrupted and kind in _MID_BREAK:
            return self._continue_break(now)
        after_break = kind is ItemKind.OUTRO and not interrupted
        self._break_count = None
        if ended is not None and ended.source is Source.CLOSING_SONG and not interrupted:
            self._closed = True
        return self._boundary(now, after_break)

    def _boundary(self, now: Instant, after_break: bool) -> Item | None:
        if not self._opened:
            self._opened = True
            song = self.plan.opening_song
            if song is not None and self._playable(now, song, Source.OPENING_SONG):
                return _song(song, Source.OPENING_SONG)
        due = self._due(now)
        urgent = any(i.cls is InsertClass.URGENT_PAGE for i in due)
        no_more_music = self._closed or now >= self.plan.closing
        if due and (not after_break or urgent or no_more_music):
            self._break_count = 0
            return self._sting(now, ItemKind.INTRO) or self._continue_break(now)
        return self._next_song(now)

    def _continue_break(self, now: Instant) -> Item | None:
        count = self._break_count or 0
        nxt = policy.first(self._due(now)) if count < self.plan.max_announcements else None
        if nxt is not None:
            self._break_count = count + 1
            if nxt in self._pending:
                self._pending.remove(nxt)
            if nxt.source is Source.CAMPAIGN:
                self._campaigns.aired(nxt.ref, now)
            return Item(
                ItemKind.ANNOUNCEMENT,
                nxt.source,
                nxt.ref,
                nxt.title,
                nxt.duration,
                track=nxt.audio,
                insert=nxt,
            )
        outro = self._sting(now, ItemKind.OUTRO)
        if outro is not None:
            return outro
        self._break_count = None
        return self._boundary(now, after_break=True)

    def _next_song(self, now: Instant) -> Item | None:
        if self._closed:
            return None
        plan = self.plan
        if now >= plan.closing_target:
            self._begin_closing(now)
            song = plan.closing_song
            if now < plan.closing and song and self._playable(now, song, Source.CLOSING_SONG):
                return _song(song, Source.CLOSING_SONG)
            self._closed = True
            return None
        track, skipped = self._music.next(now, self._target(now))
        for bad in skipped:
            self._playable(now, bad, Source.PLAYLIST)
        return None if track is None else _song(track, Source.PLAYLIST)

    def _sting(self, now: Instant, kind: ItemKind) -> Item | None:
        """The intro or outro sting (B9), or None (logged as skipped) if it cannot play."""
        track = self.plan.intro if kind is ItemKind.INTRO else self.plan.outro
        if not self._playable(now, track, Source.BREAK):
            return None
        return Item(
            kind, Source.BREAK, str(track.path), kind.value, track.duration or 0.0, track=track
        )

    def _emergency_step(self, now: Instant, ended: Item | None, interrupted: bool) -> Item | None:
        """Alert tone, message, pause; again, until cleared. Cuts nothing itself."""
        emergency = self._emergency
        assert emergency is not None
        message = Item(
            ItemKind.EMERGENCY,
            Source.EMERGENCY,
            emergency.ref,
            emergency.title,
            emergency.duration,
            track=emergency.audio,
            insert=emergency,
        )
        if self._alerting and ended is not None and not interrupted:
            self._alerting = False
            return message
        if now < self._emergency_next:
            return None  # the pause between repetitions
        self._emergency_next = now + self._emergency_period
        alert = self.plan.alert
        if alert is not None and alert.playable:
            self._alerting = True
            return Item(
                ItemKind.EMERGENCY,
                Source.EMERGENCY,
                emergency.ref,
                "alert tone",
                alert.duration or 0.0,
                track=alert,
                insert=emergency,
            )
        return message

    # -- commands --------------------------------------------------------------------------

    def _page(self, now: Instant, page: Page) -> Cut | None:
        if not self.accepts_pages(now):
            self._log(
                now,
                now,
                ItemKind.SKIPPED,
                Source.PAGE,
                page.id,
                page.text,
                requested_at=now,
                reason="outside business hours",
            )
            return None
        self._arrivals += 1
        self._pending.append(policy.page_insert(page, now, page.duration, self._arrivals))
        if self._current is None and self._emergency is None:
            return Cut(now, 0.0)  # silence while open: nothing to wait for
        return None

    def _cut(self, now: Instant, fade: float) -> Cut:
        if self._current is None:
            return Cut(now, 0.0)
        at = now + fade
        if self._cut_at is None or at < self._cut_at:
            self._cut_at = at
        return Cut(self._cut_at, self._cut_at - now)

    # -- bookkeeping -----------------------------------------------------------------------

    def _close(self, now: Instant) -> tuple[Item | None, bool]:
        """Log the item that just left the air; requeue an announcement an emergency cut (B12)."""
        item, interrupted = self._current, self._cut_at is not None
        if item is None:
            return None, False
        insert = item.insert
        self._log(
            self._started,
            now,
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
        if item.kind is ItemKind.MUSIC:
            self._campaigns.song_ended()
        if interrupted and item.kind is ItemKind.ANNOUNCEMENT and insert is not None:
            self._pending.append(insert)
        return item, interrupted

    def _due(self, now: Instant) -> list[Insert]:
        """Inserts that may air now: accepted pages always, the rest only while open."""
        if self._closing or now >= self.plan.closing:
            return [i for i in self._pending if i.source is Source.PAGE]
        return self._pending + self._campaigns.due(now)

    def _release_fixed(self, now: Instant) -> None:
        while self._future_fixed and self._future_fixed[0].due <= now:
            insert = policy.fixed_insert(self._future_fixed.popleft())
            if self._closing:
                self._skip_closed(now, insert)
            else:
                self._pending.append(insert)

    def _begin_closing(self, now: Instant) -> None:
        """B16: from the closing song on, fixed and campaign scripts no longer air."""
        if self._closing:
            return
        self._closing = True
        for insert in [i for i in self._pending if i.source is Source.FIXED]:
            self._pending.remove(insert)
            self._skip_closed(now, insert)
        while self._future_fixed:
            self._skip_closed(now, policy.fixed_insert(self._future_fixed.popleft()))

    def _skip_closed(self, now: Instant, insert: Insert) -> None:
        self._log(
            now,
            now,
            ItemKind.SKIPPED,
            insert.source,
            insert.ref,
            insert.title,
            due_at=insert.due_at,
            reason=_CLOSED,
        )

    def _urgent_deadlines(self) -> list[Instant]:
        wait = self.plan.urgent_max_wait
        return [
            (i.requested_at or 0.0) + wait
            for i in self._pending
            if i.cls is InsertClass.URGENT_PAGE
        ]

    def _retry_at(self) -> Instant | None:
        """Silent while open (no playable music): try again at the next daypart or slot."""
        later = [p.start for p in self.plan.dayparts if p.start > self._now]
        later += [self._next_fixed_due(), self.plan.closing_target]
        later = [t for t in later if t > self._now]
        return min(later, default=None)

    def _target(self, now: Instant) -> Instant:
        """Where the next boundary should land: the next slot, or the closing song's start.

        Slots closer together than the shortest song cannot each get a boundary of their
        own, so the target moves to the last of such a cluster: one break airs them all.
        """
        target = self._next_fixed_due()
        shortest = self._music.shortest(now)
        for slot in itertools.islice(self._future_fixed, 1, None):
            if slot.due - target >= shortest:
                break
            target = slot.due
        return min(target, self.plan.closing_target)

    def _next_fixed_due(self) -> Instant:
        return self._future_fixed[0].due if self._future_fixed else float("inf")

    def _playable(self, now: Instant, track: Track, source: Source) -> bool:
        if not track.playable:
            self._log(
                now,
                now,
                ItemKind.SKIPPED,
                source,
                str(track.path),
                track.title,
                reason=track.problem or "cannot be played",
            )
        return track.playable

    def _log(
        self,
        start: Instant,
        end: Instant,
        kind: ItemKind,
        source: Source,
        ref: str,
        title: str = "",
        *,
        requested_at: Instant | None = None,
        due_at: Instant | None = None,
        interrupted: bool = False,
        reason: str = "",
        zones: tuple[str, ...] = (),
    ) -> None:
        self.timeline.append(
            AsRunEntry(
                start,
                end,
                kind,
                source,
                ref,
                title,
                requested_at,
                due_at,
                interrupted,
                reason,
                zones,
            )
        )


def _song(track: Track, source: Source) -> Item:
    return Item(
        ItemKind.MUSIC, source, str(track.path), track.title, track.duration or 0.0, track=track
    )
