"""The live driver: the day played to the sound card, paced by it, steered from any thread.

The device asks for audio every period (10 ms). The audio thread only mixes: it applies the
commands waiting in the inbox at the instant of the first frame asked for (so a command is
acted on within one period of arriving), mixes the block from frames decoded ahead (in a
process of its own: daemon/audio/child_feed.py; it never decodes; an underrun plays
silence, is counted in `underruns` and logged by the follower), and hands what happened
(the playout's journal of inputs and the engine's events) to the follower thread, in one queue
put. The follower, off the audio thread, replays the journal into a mirror of the playout,
publishes the engine's forecast (`forecast`: what the desk sees coming, each page's place
and start), has the preloader open the next item's file, then hands the events to the
subscribers (timeline file, store, server-sent events, terminal, ...) and resolves the
tickets of the commands that were applied. The clock is the frame count since `origin`.
"""

from __future__ import annotations

import copy
import gc
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from daemon.audio.child_feed import ChildFeeder
from daemon.audio.feed import GUARD, Feeder, FeederBase
from daemon.audio.format import RATE, Block, frames
from daemon.audio.levels import AudioSettings, level
from daemon.audio.realtime import HELPER_PRIORITY, go_realtime
from daemon.audio.sinks import Sink
from daemon.drivers.forecast import Forecast, forecast
from daemon.drivers.playout import Input, Playout
from daemon.drivers.preload import Preloader
from daemon.drivers.program import Measure, Program, bed_level, item_level
from daemon.events import CommandApplied, Event
from daemon.model import AsRunEntry, Command, DayPlan, Instant, Recovery, Track

__all__ = ["Live", "Subscriber", "Ticket"]

log = logging.getLogger(__name__)

UNDERRUN_LOG_EVERY = 10.0  # seconds between two warnings about underruns, at most

Subscriber = Callable[[Event], None]


@dataclass
class Ticket:
    """A submitted command; `wait` returns how the engine took it, once it has."""

    command: Command
    _done: threading.Event = field(default_factory=threading.Event)
    applied: CommandApplied | None = None

    def wait(self, timeout: float) -> CommandApplied | None:
        """The engine's answer, or None if it did not come within `timeout` seconds."""
        self._done.wait(timeout)
        return self.applied

    def resolve(self, applied: CommandApplied) -> None:
        self.applied = applied
        self._done.set()


_Batch = tuple[list[Input], list[Event], list[Ticket]]


def _freeze_garbage() -> None:
    """Collect now, then leave every object alive at this point out of later collections.

    A full collection holds the GIL for as long as it walks every object (40-100 ms with a
    day's plan and the engine's mirror), and the device callback waits for it: an emergency
    was once heard 130 ms after its command instead of 30 ms. After this, the collections
    walk only what was made since (the forecasts, the journal), which stays small."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _unannounced(plan: DayPlan, standby: Sequence[Track]) -> list[tuple[Track, bool]]:
    """The files to keep decoded ahead, and whether each is speech: `standby` (the presets'
    messages), the alert tone and the all-clears."""
    tracks = [(plan.alert, False), *((t, True) for t in standby)]
    tracks += [(s.audio, True) for _, s in plan.all_clears]
    kept = [(t, speech) for t, speech in tracks if t is not None and t.playable]
    return list(dict.fromkeys(kept))


class Live:
    """One business day on air from `start` (default: now) until `plan.day_end` or stop().

    The engine is restored from `recovery` (the durable log of the day so far; empty on a
    first start), never re-simulated from midnight. `standby` names the recordings that may
    go on air with no forecast to warn of them (the emergency presets' messages): they are kept
    decoded ahead all day, with the alert tone and the all-clears, so that an emergency's
    first sound is not an underrun."""

    def __init__(
        self,
        plan: DayPlan,
        sink: Sink,
        settings: AudioSettings,
        measure: Measure,
        start: Instant | None = None,
        recovery: Recovery | None = None,
        clock: Callable[[], float] = time.time,
        inbox: queue.SimpleQueue[Ticket] | None = None,
        standby: Sequence[Track] = (),
    ) -> None:
        self.plan, self.sink = plan, sink
        origin = clock() if start is None else start
        self.playout = Playout(plan, start=origin, recovery=recovery or Recovery())
        self._mirror = copy.deepcopy(self.playout, {id(plan): plan})
        self.playout.journal = []
        # on air, decoding in a process of its own (no share of the GIL); a WAV or a test
        # decodes in a thread and waits for it (never an underrun)
        self.feeder: FeederBase = ChildFeeder() if sink.realtime else Feeder(blocking=True)
        self.preloader = Preloader(self.feeder)
        self._measure, self._settings = measure, settings
        for track, speech in _unannounced(plan, standby):
            playing = level(measure(track.path), speech, settings)
            self.preloader.standby(track.path, offset=frames(track.cue), level=playing)
        if settings.bed_db is not None and plan.intro.playable:
            self.preloader.standby(
                plan.intro.path, loop=True, level=bed_level(plan, measure, settings)
            )
        self.program = Program(self.playout, origin, settings, measure, self.preloader.open)
        self.forecast: Forecast = Forecast.empty(origin)  # replaced, never mutated
        self.inbox: queue.SimpleQueue[Ticket] = queue.SimpleQueue() if inbox is None else inbox
        self._outbox: queue.SimpleQueue[_Batch | None] = queue.SimpleQueue()
        self._applied: list[Ticket] = []  # the tickets applied in the period being rendered
        self._subscribers: list[Subscriber] = []
        self._prepared: object = None
        self._underruns_told = 0  # the feeder's underruns last handed to the follower
        self._underruns_logged = (0, -UNDERRUN_LOG_EVERY)  # (count, time.monotonic())
        self._follower = threading.Thread(target=self._follow, name="playout-follow", daemon=True)
        self._end = frames(plan.day_end - origin)
        self._events_at_start = self.playout.drain()  # the restore's own (missed slots)

    # -- any thread ------------------------------------------------------------------------

    def subscribe(self, subscriber: Subscriber) -> None:
        """Call `subscriber(event)` for every event, in order, on the follower thread.
        Subscribe before `run`; a subscriber that raises is logged and kept."""
        self._subscribers.append(subscriber)

    def submit(self, command: Command) -> Ticket:
        """Queue a command; it is applied within one device period. Its audio must already be
        measured (the audio thread never decodes a whole file). The inbox may be shared with
        the next day's Live: a command not yet applied when this one stops waits for that."""
        ticket = Ticket(command)
        self.inbox.put(ticket)
        return ticket

    def stop(self) -> None:
        self.sink.stop()

    @property
    def underruns(self) -> int:
        """Device periods in which decoding had fallen behind (silence played)."""
        return self.feeder.underruns

    @property
    def timeline(self) -> list[AsRunEntry]:
        """What has aired so far (entries are appended as items leave the air)."""
        return self.playout.timeline

    # -- the playing thread ----------------------------------------------------------------

    def run(self, until: Instant | None = None) -> int:
        """Play until `until` (default: the day's end) or stop(); returns the frames played."""
        if until is not None:
            self._end = min(self._end, self.program.frame(until))
        self._outbox.put(([], self._events_at_start, []))
        self.program.prime()  # the first item's file is opened here, not in the callback
        self._hand_over()
        _freeze_garbage()
        self._follower.start()
        try:
            return self.sink.play(self._pull)
        finally:
            self.program.close()
            self.playout.finish(self.program.instant())
            self._hand_over()
            self._outbox.put(None)
            self._follower.join()
            self.preloader.close()
            self.feeder.close()
            self._log_underruns(final=True)

    def _pull(self, count: int) -> Block:
        """The device callback's work: apply commands, render the next block, hand over."""
        if count > GUARD:  # more than a view of a feed's ring stays valid for: copied in pieces
            return np.concatenate(
                [self._pull(min(GUARD, count - at)) for at in range(0, count, GUARD)]
            )
        inbox = self.inbox
        while not inbox.empty():  # this thread alone takes from it: no race with empty()
            ticket = inbox.get_nowait()
            self.playout.command(self.program.instant(), ticket.command)
            self.program.changed()
            self._applied.append(ticket)
        block = self.program.pull(min(count, self._end - self.program.pos))
        self._hand_over()
        return block

    def _hand_over(self) -> None:
        playout = self.playout
        journal, applied = playout.journal, self._applied
        events = playout.drain()
        underruns = self.feeder.underruns
        if journal or events or applied or underruns != self._underruns_told:
            playout.journal, self._applied = [], []
            self._underruns_told = underruns
            self._outbox.put((journal or [], events, applied))

    # -- the follower thread ---------------------------------------------------------------

    def _follow(self) -> None:
        go_realtime(HELPER_PRIORITY)  # its bursts hold the GIL the device's thread waits for
        self._catch_up(())
        while (batch := self._outbox.get()) is not None:
            inputs, events, applied = batch
            if inputs:
                self._catch_up(inputs)
            self._log_underruns()
            for event in events:
                for subscriber in self._subscribers:
                    try:
                        subscriber(event)
                    except Exception:  # one failing subscriber must not silence the others
                        log.exception(
                            "event subscriber %r failed on %s; the others still got it",
                            subscriber, type(event).__name__,
                        )  # fmt: skip
                if isinstance(event, CommandApplied):
                    for ticket in applied:
                        if ticket.command is event.command:
                            ticket.resolve(event)

    def _log_underruns(self, final: bool = False) -> None:
        count, when = self._underruns_logged
        now = time.monotonic()
        if self.feeder.underruns > count and (final or now - when >= UNDERRUN_LOG_EVERY):
            self._underruns_logged = (self.feeder.underruns, now)
            log.warning(
                "audio underrun: decoding fell behind in %d device period(s) so "
                "far today, %.2f s of silence in all",
                self.feeder.underruns, self.feeder.underrun_frames / RATE,
            )  # fmt: skip

    def _catch_up(self, inputs: Sequence[Input]) -> None:
        """Replay `inputs` into the mirror and publish its forecast. A failure here (a defect)
        is logged and costs the desk a fresh forecast, never the events, the tickets or the
        audio: the follower goes on with the next batch."""
        try:
            for entry in inputs:
                self._mirror.replay(entry)
            self._mirror.drain()  # the same events as the audio thread's
            self._publish()
        except Exception:
            log.exception("the forecast could not follow the air; what airs is not affected")

    def _publish(self) -> None:
        self.forecast = fresh = forecast(self._mirror)
        if not fresh.upcoming:
            return
        following = fresh.upcoming[0]
        track = following.item.track
        if track is not None and track.playable and (following.at, track.path) != self._prepared:
            self._prepared = (following.at, track.path)
            playing = item_level(following.item, self.plan, self._measure, self._settings)
            self.preloader.prepare(track.path, frames(track.cue), playing)
