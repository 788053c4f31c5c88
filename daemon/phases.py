"""The day's phases: what airs at a free moment, given what just ended. Pure.

Silence before opening; the opening song (B14); music with breaks at song boundaries (B9,
B10; `breaks`, `inserts`); the closing song, after which only pages already taken air
(B16); then silence. An emergency (`emergency`) overrides every phase. `decide` is called
by the engine each time the output is free; `restore` takes up a day mid-way from the
durable log instead of re-simulating it from midnight.
"""

from __future__ import annotations

import itertools

from daemon.asrun import AsRun
from daemon.breaks import Breaks
from daemon.emergency import EmergencyCycle
from daemon.inserts import InsertQueue
from daemon.model import (
    DayPlan,
    Insert,
    InsertClass,
    Instant,
    Item,
    ItemKind,
    Recovery,
    Source,
    Track,
)
from daemon.music import MusicProgram

__all__ = ["Phases"]

_CLOSED = "the store closed before it could air"
_MISSED = "missed: the service was not running at its time"
_MID_BREAK = (ItemKind.INTRO, ItemKind.ANNOUNCEMENT)  # after these, the break goes on


class Phases:
    """The parts of a day (music, queue, breaks, emergency, log) and where the day is."""

    def __init__(self, plan: DayPlan) -> None:
        self.plan = plan
        self.asrun = AsRun()
        self.music = MusicProgram.for_plan(plan)
        self.queue = InsertQueue(plan)
        self.breaks = Breaks(plan, self.queue, self.asrun)
        self.emergency = EmergencyCycle(plan)
        self.opened = False  # the opening song has had its turn
        self.closing = False  # the closing song has started: no more fixed or campaigns
        self.closed = False  # the music is over for the day
        self._failed = False  # the item that ends next could not be played

    def failed(self, now: Instant, item: Item) -> None:
        """`item` could not be played (called before `decide` is told it ended)."""
        self._failed = True
        if item.kind is ItemKind.MUSIC:
            self.music.failed(now, playlist=item.source is Source.PLAYLIST)

    def decide(self, now: Instant, ended: Item | None, interrupted: bool) -> Item | None:
        """What starts at `now`, the output being free after `ended` (cut if `interrupted`).

        A fixed slot joins the queue `plan.fixed_early` seconds before its time, so that a
        break at a boundary in that window airs it (B4); after an emergency, its all-clear
        airs first and campaigns wait for the calm (`emergency`, `inserts`)."""
        if ended is not None and not self._failed and ended.source is Source.PLAYLIST:
            self.music.aired()
        self._failed = False
        opened = now >= self.plan.opening
        self.queue.release_fixed(now + self.plan.fixed_early if opened else now)
        if self.emergency.active is not None:
            return self.emergency.step(now, ended, interrupted)
        ending, all_clear = self.emergency.after(ended)
        if ending:
            self.queue.calm_from(now)
        if all_clear is not None:
            return all_clear
        if now < self.plan.opening and not self.opened:
            return None
        kind = None if ended is None else ended.kind
        if self.breaks.open and not interrupted and kind in _MID_BREAK:
            return self.breaks.next(now, self.due(now)) or self._boundary(now, after_break=True)
        after_break = kind is ItemKind.OUTRO and not interrupted
        self.breaks.end()
        if ended is not None and ended.source is Source.CLOSING_SONG and not interrupted:
            self.closed = True
        return self._boundary(now, after_break)

    def _boundary(self, now: Instant, after_break: bool) -> Item | None:
        if not self.opened:
            self.opened = True
            song = self.plan.opening_song
            late = now >= self.plan.closing_target  # an emergency lasted through the day
            if (
                song is not None
                and not late
                and self.asrun.playable(now, song, Source.OPENING_SONG)
            ):
                self.music.played(song)  # separation counts it as a play of its file
                return _song(song, Source.OPENING_SONG)
        if not self.closing and now >= self.plan.closing_target:
            closing = self._next_song(now)  # its time has come: before any break (B16)
            if closing is not None:
                return closing
        intro = (self.plan.intro.duration or 0.0) if self.plan.intro.playable else 0.0
        due = self.due(now) if now + intro < self.plan.closing else self.due(self.plan.closing)
        urgent = any(i.cls is InsertClass.URGENT_PAGE for i in due)
        no_more_music = self.closed or now >= self.plan.closing
        if due and (not after_break or urgent or no_more_music):
            return self.breaks.begin(now, due) or self._boundary(now, after_break=True)
        return self._next_song(now)

    def _next_song(self, now: Instant) -> Item | None:
        if self.closed:
            return None
        plan = self.plan
        if now >= plan.closing_target:
            return self._closing_song(now)
        track, skipped = self.music.next(now, *self.target(now))
        for part, notice in self.music.notices:
            self.asrun.skipped(now, now, Source.PLAYLIST, str(part.playlist), part.name, notice)
        self.music.notices.clear()
        for bad in skipped:
            self.asrun.playable(now, bad, Source.PLAYLIST)
        if track is None:
            return None
        song = plan.closing_song
        if song and song.playable and now + (track.duration or 0.0) > plan.closing:
            return self._closing_song(now)  # a little early, rather than lost to a long song
        return _song(track, Source.PLAYLIST)

    def _closing_song(self, now: Instant) -> Item | None:
        """The closing song, now; None when there is none to play (the music is over)."""
        self.begin_closing(now)
        song = self.plan.closing_song
        if now < self.plan.closing and song and self.asrun.playable(now, song, Source.CLOSING_SONG):
            self.music.played(song)
            return _song(song, Source.CLOSING_SONG)
        self.closed = True
        return None

    def due(self, now: Instant) -> list[Insert]:
        return self.queue.due(now, closing=self.closing or now >= self.plan.closing)

    def begin_closing(self, now: Instant) -> None:
        """B16: from the closing song on, fixed and campaign scripts no longer air."""
        if self.closing:
            return
        self.closing = True
        for insert in self.queue.drop_fixed():
            self.skip(now, insert, _CLOSED)

    def skip(self, now: Instant, insert: Insert, reason: str) -> None:
        self.asrun.skipped(
            now, now, insert.source, insert.ref, insert.title, reason, due_at=insert.due_at
        )

    def retry_at(self, now: Instant) -> Instant | None:
        """Silent while open (no playable music): try again at the next daypart or slot, or
        when a list that failed on air may be tried again."""
        later = [p.start for p in self.plan.dayparts if p.start > now]
        later += [self.queue.next_fixed_due(), self.plan.closing_target]
        later += [t for t in [self.music.retry_at(now)] if t is not None]
        later = [t for t in later if t > now]
        return min(later, default=None)

    def target(self, now: Instant) -> tuple[Instant, float]:
        """Where the next boundary should land: an intro before the next slot (so that its
        script starts on time), or the closing song's start; and how many seconds before
        that a boundary will do too (the slot's window opens: the break airs early).

        Slots closer together than the shortest song cannot each get a boundary of their
        own: one break airs them all, aimed at the middle of the cluster but never before
        the last one's window opens (`plan.fixed_early`: the break must release them all).
        A slot already waiting (the last break was full of pages) wants the soonest boundary.
        """
        if self.queue.fixed_waiting() and not self.closing:
            return now + 1.0, 0.0  # the run that ends soonest: the shortest song there is
        first = last = self.queue.next_fixed_due()
        shortest = self.music.shortest(now)
        for slot in itertools.islice(self.queue.future_fixed(), 1, None):
            if slot.due - last >= shortest:
                break
            last = slot.due
        intro = self.plan.intro.duration if self.plan.intro.playable else 0.0
        opens = last - self.plan.fixed_early  # the first boundary that releases them all
        aim = max((first + last) / 2 - (intro or 0.0), opens)
        if aim >= self.plan.closing_target:
            return self.plan.closing_target, 0.0  # the closing song has no window
        return aim, aim - opens

    def reschedule(self, now: Instant, plan: DayPlan) -> None:
        """The same day with the library's new fixed slots and campaigns (a `Reschedule`)."""
        self.plan = plan
        self.queue.reschedule(now, plan)

    def restore(self, now: Instant, recovery: Recovery) -> None:
        """Take up the day at `now` from the durable log (see `Engine.restore`)."""
        plan, aired = self.plan, recovery.aired
        self.opened = now > plan.opening or any(e.source is Source.OPENING_SONG for e in aired)
        closing = [e for e in aired if e.source is Source.CLOSING_SONG and e.kind is ItemKind.MUSIC]
        if closing:
            self.begin_closing(now)
            self.closed = any(not e.interrupted for e in closing)
        self.music.restore(aired)
        for insert in self.queue.restore(now, aired, recovery.pages):
            self.skip(now, insert, _MISSED)
        self.emergency.restore(now, recovery.emergencies, aired, recovery.cleared)


def _song(track: Track, source: Source) -> Item:
    return Item(
        ItemKind.MUSIC, source, str(track.path), track.title, track.duration or 0.0, track=track
    )
