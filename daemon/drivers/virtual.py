"""A station on virtual time: the engine of one day, driven by the caller, no audio, no sleep.

`advance(seconds)` lets time pass (every event in between is processed and handed to the
subscribers); `submit` applies a command at once, at the current virtual instant, and
answers its ticket before returning. What it airs is what the live driver would air for the
same commands at the same instants: both run the same `Playout`.
"""

from __future__ import annotations

from daemon.drivers.forecast import Forecast, forecast
from daemon.drivers.live import Subscriber, Ticket
from daemon.drivers.playout import Playout
from daemon.events import CommandApplied, Event
from daemon.model import Command, DayPlan, Instant, Recovery

__all__ = ["VirtualStation"]


class VirtualStation:
    def __init__(self, plan: DayPlan, start: Instant, recovery: Recovery | None = None) -> None:
        self._plan = plan
        self.playout = Playout(plan, start=start, recovery=recovery or Recovery())
        self._subscribers: list[Subscriber] = []
        self._pending: list[Event] = self.playout.drain()
        self._forecast: Forecast | None = None  # computed when asked, after any change
        self.healthy, self.problem = True, ""

    @property
    def plan(self) -> DayPlan:
        return self._plan

    def now(self) -> Instant:
        return self.playout.now

    def subscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.append(subscriber)
        self._deliver()

    def submit(self, command: Command) -> Ticket:
        ticket = Ticket(command)
        self.playout.command(self.playout.now, command)
        for event in self._flush():
            if isinstance(event, CommandApplied) and event.command is command:
                ticket.resolve(event)
        return ticket

    def advance(self, seconds: float) -> None:
        """Let `seconds` of virtual time pass."""
        end = self.playout.now + seconds
        while (at := self.playout.next_time()) is not None and at < end:
            self.playout.step()
            self._flush()
        self.playout.run_until(end)

    def forecast(self) -> Forecast:
        if self._forecast is None:
            self._forecast = forecast(self.playout)
        return self._forecast

    def audio_ok(self) -> tuple[bool, str]:
        return self.healthy, self.problem

    def output(self) -> tuple[str, str]:
        return "virtual (no audio)", ""

    def underruns(self) -> int:
        return 0  # nothing is decoded on virtual time

    def _flush(self) -> list[Event]:
        events = self.playout.drain()
        self._forecast = None
        self._pending += events
        self._deliver()
        return events

    def _deliver(self) -> None:
        if not self._subscribers:
            return
        pending, self._pending = self._pending, []
        for event in pending:
            for subscriber in self._subscribers:
                subscriber(event)
