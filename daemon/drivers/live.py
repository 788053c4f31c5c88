"""The live driver: the day played to the sound card, paced by it, steered from any thread.

The device asks for audio every period (10 ms); each time, commands waiting in the inbox
(page, emergency, clear) are applied at the instant of the first frame asked for, so a
command is acted on within one period of arriving. The clock is the frame count since the
start, mapped to wall-clock time once, when playing starts. Timeline entries are written to
a JSON-lines file by a writer thread as items leave the air, never by the audio thread.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path

from daemon.audio.format import Block, frames
from daemon.audio.levels import AudioSettings
from daemon.audio.sinks import Sink
from daemon.drivers.playout import Playout
from daemon.drivers.program import Measure, Program
from daemon.model import AsRunEntry, Command, DayPlan, EmergencyCall, Instant, Page
from daemon.timeline import format_jsonl

__all__ = ["Live"]


class Live:
    """One business day on air from `start` (default: now) until `plan.day_end` or stop()."""

    def __init__(
        self,
        plan: DayPlan,
        sink: Sink,
        settings: AudioSettings,
        measure: Measure,
        timeline_file: Path | None = None,
        start: Instant | None = None,
        base: Path | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.plan, self.sink, self._measure = plan, sink, measure
        origin = clock() if start is None else start
        self.playout = Playout(plan)
        self.playout.run_until(origin)  # what would be on air had the day run since midnight
        self._already = len(self.playout.timeline)  # those entries never aired
        self.program = Program(self.playout, origin, settings, measure, preload=True)
        self._inbox: queue.SimpleQueue[Command] = queue.SimpleQueue()
        self._file, self._base = timeline_file, base  # paths under base are written relative
        self._written = self._already
        self._aired = threading.Event()
        self._done = threading.Event()
        self._writer = threading.Thread(target=self._write_timeline, name="timeline", daemon=True)
        self._end = frames(plan.day_end - origin)

    # -- any thread ------------------------------------------------------------------------

    def submit(self, command: Command) -> None:
        """Queue a command; it is applied within one device period. Its audio is measured
        here, in the caller's thread, so that the audio thread never decodes a whole file."""
        audio = None
        if isinstance(command, Page):
            audio = command.audio
        elif isinstance(command, EmergencyCall):
            audio = command.script.audio
        if audio is not None and audio.playable:
            self._measure(audio.path)
        self._inbox.put(command)

    def stop(self) -> None:
        self.sink.stop()

    @property
    def timeline(self) -> list[AsRunEntry]:
        """What has aired so far (entries are appended as items leave the air)."""
        return self.playout.timeline[self._already :]

    # -- the playing thread ----------------------------------------------------------------

    def run(self, until: Instant | None = None) -> int:
        """Play until `until` (default: the day's end) or stop(); returns the frames played."""
        if until is not None:
            self._end = min(self._end, self.program.frame(until))
        self._writer.start()
        try:
            return self.sink.play(self._pull)
        finally:
            self.program.close()
            self.playout.finish(self.program.instant())
            self._done.set()
            self._aired.set()
            self._writer.join()

    def _pull(self, count: int) -> Block:
        """The device callback's work: apply commands, render the next block."""
        while True:
            try:
                command = self._inbox.get_nowait()
            except queue.Empty:
                break
            self.playout.command(self.program.instant(), command)
        before = len(self.playout.timeline)
        block = self.program.pull(min(count, self._end - self.program.pos))
        if len(self.playout.timeline) != before:
            self._aired.set()
        return block

    def _write_timeline(self) -> None:
        while True:
            self._aired.wait()
            self._aired.clear()
            entries = self.playout.timeline[self._written :]
            self._written += len(entries)
            if entries and self._file is not None:
                with self._file.open("a", encoding="utf-8") as out:
                    out.write(format_jsonl(entries, self.plan.zone, self._base))
            if self._done.is_set() and self._written >= len(self.playout.timeline):
                return
