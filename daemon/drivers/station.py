"""The playing side as the control sees it: a station takes commands and tells what it forecasts.

Implemented by the live service (the sound card, across days) and by `VirtualStation` (a
day on virtual time, for tests and for what-if questions). Subscribers get every event of
the playing side, in order, off the audio thread.
"""

from __future__ import annotations

from typing import Protocol

from daemon.drivers.forecast import Forecast
from daemon.drivers.live import Subscriber, Ticket
from daemon.model import Command, DayPlan, Instant

__all__ = ["Station"]


class Station(Protocol):
    @property
    def plan(self) -> DayPlan:
        """The plan of the day on air."""
        ...

    def now(self) -> Instant:
        """The instant on the station's clock (the audio clock when live)."""
        ...

    def submit(self, command: Command) -> Ticket:
        """Hand a command to the engine; the ticket is answered once it is applied."""
        ...

    def forecast(self) -> Forecast:
        """The engine's latest forecast (what is on air, what comes, each page's place)."""
        ...

    def subscribe(self, subscriber: Subscriber) -> None:
        """Call `subscriber(event)` for every event from now on."""
        ...

    def audio_ok(self) -> tuple[bool, str]:
        """(True, "") while audio flows, else (False, why)."""
        ...

    def output(self) -> tuple[str, str]:
        """(the output device's name, a warning or "")."""
        ...

    def underruns(self) -> int:
        """Blocks played as silence today because decoding fell behind (0: none)."""
        ...
