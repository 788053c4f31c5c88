"""The live station: today's `Live`, then tomorrow's, each day restored from the store.

`run()` plays days until `stop()`: each day's plan is built (or taken ready-made from
`prepare`, which the midnight chore calls ahead), the engine is restored from the store's
log of that day (`recover`: after a crash or a restart only what really aired counts), and
the day plays to the sink. One inbox outlives the days: a command that arrives while one
day hands over to the next is applied by the next. Subscribers are attached to every day.
As a `Station` it answers the desk from the day on air.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime

from daemon.audio.sinks import DeviceError, Sink
from daemon.catalog.load import Catalog
from daemon.dayplan import build_day_plan
from daemon.drivers.forecast import Forecast
from daemon.drivers.live import Live, Subscriber, Ticket
from daemon.model import Command, DayPlan, Instant, Reschedule, Script
from daemon.recovery import recover
from daemon.recurrence import to_local
from daemon.speech.speaker import Speaker
from daemon.store import Store

__all__ = ["Days", "closed_note"]

log = logging.getLogger("mall-pa")

STALL_SECONDS = 2.0  # no frames for this long: audio does not flow


def closed_note(plan: DayPlan, now: Instant) -> str | None:
    """What a person watching the log needs to know when the day starts outside business
    hours (nothing plays, and nothing is wrong), or None while the store is open."""
    if plan.open_at(now):
        return None
    if now < plan.opening:
        return f"the store opens at {to_local(plan.opening, plan.zone):%H:%M}: silent until then"
    return (f"the store closed at {to_local(plan.closing, plan.zone):%H:%M}: silent until "
            "tomorrow's opening")  # fmt: skip


class Days:
    def __init__(
        self,
        catalog: Catalog,
        speaker: Speaker,
        sink: Sink,
        store: Store,
        presets: dict[str, Script],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.catalog, self.speaker, self.sink, self.store = catalog, speaker, sink, store
        self.presets, self._clock = presets, clock
        self._inbox: queue.SimpleQueue[Ticket] = queue.SimpleQueue()
        self._subscribers: list[Subscriber] = []
        self._stopped = threading.Event()
        self._ready: dict[date, DayPlan] = {}
        self._lock = threading.Lock()
        self._plan = self._build(self.today())
        self._live: Live | None = None
        self._flow = (0, clock())  # (frames seen, when they last changed)

    def today(self) -> date:
        """The business day now, in the store's time zone (never the host's)."""
        return datetime.fromtimestamp(self._clock(), self.catalog.config.store.timezone).date()

    # -- the playing thread ----------------------------------------------------------------

    def run(self, started: Callable[[Live], None] | None = None) -> None:
        """Play days until stop(); `started(live)` is called as each day goes on air."""
        while not self._stopped.is_set():
            day = self.today()
            plan = self._plan if self._plan.day == day else self._build(day)
            recovery = recover(
                self.store, plan, self.presets, self.speaker, self._clock(),
                self.catalog.media.analysis,
            )  # fmt: skip
            live = Live(
                plan, self.sink, self.catalog.config.audio, self.catalog.media.known,
                recovery=recovery, clock=self._clock, inbox=self._inbox,
                standby=[s.audio for s in self.presets.values() if s.audio is not None],
            )  # fmt: skip
            for subscriber in self._subscribers:
                live.subscribe(subscriber)
            with self._lock:
                self._plan, self._live = plan, live
            log.info("%s: on air (taken up from the store: pages %d, emergencies %d)", day,
                     len(recovery.pages), len(recovery.emergencies))  # fmt: skip
            if (closed := closed_note(plan, self._clock())) is not None:
                log.info("%s: %s", day, closed)
            if started is not None:
                started(live)
            try:
                live.run()
            except DeviceError as err:  # the card is gone: no more audio from this process
                log.error("the output device failed: %s. No audio flows: /healthz says so and "
                          "systemd's watchdog restarts the service", err)  # fmt: skip
                return
            finally:
                self.catalog.media.save()

    def stop(self) -> None:
        self._stopped.set()
        self.sink.stop()

    def prepare(self, day: date) -> None:
        """Build `day`'s plan ahead (its speech rendered), so that midnight is instant."""
        plan = self._build(day)
        with self._lock:
            self._ready[day] = plan

    def reload(self, scripts: Sequence[Script]) -> Ticket:
        """The scripts library changed: today's plan built again with `scripts` (its speech
        rendered here, on the caller's thread, never the audio's) and handed to the engine as
        a `Reschedule`, which the queue follows from the next song boundary; the days after
        are built with them too. The ticket says when the engine took it."""
        with self._lock:
            self.catalog = replace(self.catalog, scripts=tuple(scripts))
            self._ready.clear()  # tomorrow's, built ahead with the old library
        plan, notes = build_day_plan(self.catalog, self._plan.day, self.speaker)
        for note in notes:
            log.info("%s: %s", plan.day, note)
        with self._lock:
            self._plan = replace(self._plan, fixed=plan.fixed, campaigns=plan.campaigns)
        return self.submit(Reschedule(plan.fixed, plan.campaigns))

    def _build(self, day: date) -> DayPlan:
        with self._lock:
            ready = self._ready.pop(day, None)
        if ready is not None:
            return ready
        plan, notes = build_day_plan(self.catalog, day, self.speaker)
        for note in notes:
            log.info("%s: %s", day, note)
        return plan

    # -- the Station -----------------------------------------------------------------------

    @property
    def plan(self) -> DayPlan:
        return self._plan

    def now(self) -> Instant:
        live = self._live
        return self._clock() if live is None else live.program.instant()

    def submit(self, command: Command) -> Ticket:
        ticket = Ticket(command)
        self._inbox.put(ticket)
        return ticket

    def forecast(self) -> Forecast:
        live = self._live
        return Forecast.empty(self._clock()) if live is None else live.forecast

    def subscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.append(subscriber)
        live = self._live
        if live is not None:
            live.subscribe(subscriber)

    def sample(self) -> bool:
        """Note how far the audio has come (the heartbeat chore calls this); True if it moved."""
        frames = self._flow[0]
        now, played = self._clock(), self.sink.frames
        if played != frames:
            self._flow = (played, now)
            return True
        return False

    def audio_ok(self) -> tuple[bool, str]:
        stalled = self._clock() - self._flow[1]
        if self._live is None:
            return False, "not on air yet"
        if stalled > STALL_SECONDS + 2.0:
            return False, f"no audio has left the mixer for {stalled:.0f} s"
        return True, ""

    def underruns(self) -> int:
        live = self._live
        return 0 if live is None else live.underruns

    def output(self) -> tuple[str, str]:
        return self.sink.name, self.sink.warning
