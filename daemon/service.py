"""The service: one process on the desk PC that plays the store's day, every day.

It owns the process: the catalog, the speaker, the sink, the threads (each named), and the
order of things: audio first, then the engine's day, and the stop in reverse. The day is
chosen in the store's time zone, never the host's. At midnight the next day's plan takes
over. SIGTERM and SIGINT stop it cleanly: the item on air is logged as interrupted at its
true end, and `run` returns 0.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from types import FrameType

from daemon.audio.sinks import Sink, open_sink
from daemon.catalog.load import Catalog
from daemon.dayplan import build_day_plan
from daemon.drivers.live import Live
from daemon.service_log import EventLog
from daemon.speech.speaker import Speaker, open_speaker
from daemon.timeline import JsonlFile

__all__ = ["Service"]

log = logging.getLogger("mall-pa")


class Service:
    """Plays the store's days live until `stop()` (or `seconds` have passed)."""

    def __init__(
        self,
        catalog: Catalog,
        device: str | None = None,
        seconds: float | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.catalog, self.config = catalog, catalog.config
        self._device, self._seconds, self._clock = device, seconds, clock
        self._stopped = threading.Event()
        self.live: Live | None = None
        self.speaker: Speaker | None = None
        self.sink: Sink | None = None

    def today(self) -> date:
        """The business day now, in the store's time zone."""
        return datetime.fromtimestamp(self._clock(), self.config.store.timezone).date()

    def run(self) -> int:
        """Play until stopped; 0 after a clean stop."""
        config = self.config
        self.speaker = open_speaker(config.speech, config.state_dir)
        self.sink = sink = open_sink(self._device or config.audio.device)
        log.info("playing to %s", sink.name)
        if sink.warning:
            log.warning("%s", sink.warning)
        timer = None
        if self._seconds is not None:
            timer = threading.Timer(self._seconds, self.stop)
            timer.name = "stop-timer"
            timer.start()
        try:
            while not self._stopped.is_set():
                self._play_day(self.today(), sink, self.speaker)
        finally:
            if timer is not None:
                timer.cancel()
            sink.close()
        return 0

    def stop(self) -> None:
        """Stop at the next audio period (any thread, or a signal handler)."""
        self._stopped.set()
        if self.sink is not None:
            self.sink.stop()

    def handle_signals(self) -> None:
        """SIGTERM (systemd's stop) and SIGINT (Ctrl-C) stop the service cleanly."""

        def handler(signum: int, frame: FrameType | None) -> None:
            log.info("%s: stopping", signal.Signals(signum).name)
            self.stop()

        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)

    def _play_day(self, day: date, sink: Sink, speaker: Speaker) -> None:
        config, media = self.config, self.catalog.media
        plan, notes = build_day_plan(self.catalog, day, speaker)
        for note in notes:
            log.info("%s: %s", day, note)
        base = config.file.parent.resolve()
        timeline = config.state_dir / f"timeline-{day}.jsonl"
        live = Live(plan, sink, config.audio, media.known, clock=self._clock)
        live.subscribe(JsonlFile(timeline, plan.zone, base))
        live.subscribe(EventLog(plan.zone, base))
        self.live = live
        log.info("%s: on air; the timeline goes to %s", day, timeline)
        live.run()
        media.save()
