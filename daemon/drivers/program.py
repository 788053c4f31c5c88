"""The day's audio: the playout's events turned into samples by the mixer, on a frame clock.

`Program.pull(n)` renders the next n frames: it mixes up to each event (an item's end, a
command, a deadline), lets the playout process it, and starts or fades what the engine
chose on the exact frame of the event. Frame `pos` is the instant `origin + pos / RATE`.
A file that cannot be opened, or fails or ends early while playing, is skipped on the frame
it failed (`skipped` in the timeline) and the next item starts on that same frame. `measure`
gives a file's loudness; in the live driver it must never decode (`MediaCache.known`), and
`opener` opens files: by default a `Decoder` that decodes (and limits, `item_level`) as it is
read (render); the live
driver's preloader gives feeds that are filled ahead (`prime` waits for the
first one's first frames, before the device starts asking).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from daemon.audio.analysis import Analysis
from daemon.audio.decode import MediaError
from daemon.audio.format import CHANNELS, DTYPE, RATE, Block, db_to_gain, frames
from daemon.audio.levels import AudioSettings, Level, gain_db, level
from daemon.audio.mixer import Mixer, Opener, open_decoder
from daemon.drivers.playout import Playout
from daemon.model import DayPlan, Instant, Item, ItemKind

__all__ = ["Measure", "Program", "bed_level", "item_level"]

Measure = Callable[[Path], Analysis | None]  # a file's loudness analysis (cached)
PRIMED = frames(0.5)  # decoded ahead of the first item before the device starts
PRIME_TIMEOUT = 10.0  # seconds prime() waits for them at most (a deep seek on a slow disk)


class Program:
    """Playout + mixer; frame 0 is the instant `origin`."""

    def __init__(
        self,
        playout: Playout,
        origin: Instant,
        settings: AudioSettings,
        measure: Measure,
        opener: Opener = open_decoder,
    ) -> None:
        self.playout, self.origin = playout, origin
        self.settings, self._measure = settings, measure
        self.mixer = Mixer(settings.master_gain_db, opener)
        self.pos = 0
        self._serial = -1  # the playout item the mixer has on air
        self._faded: Instant | None = None  # the cut the mixer is fading for
        self._previous: ItemKind | None = None
        self._next: int | None = None  # the frame of the playout's next event (None: none)
        self._stale = True  # _next is to be asked of the playout again

    def instant(self) -> Instant:
        return self.origin + self.pos / RATE

    def frame(self, at: Instant) -> int:
        return round((at - self.origin) * RATE)

    def pull(self, count: int) -> Block:
        """The next `count` frames of the day."""
        pieces: list[Block] = []  # one, unless an event falls inside the block
        done = 0
        while done < count:
            self._sync()
            if self._stale:
                upcoming = self.playout.next_time()
                self._next = None if upcoming is None else self.frame(upcoming)
                self._stale = False
            room = count - done
            if self._next is not None:
                room = min(room, self._next - self.pos)
            if room <= 0:
                self.playout.step()
                self.changed()
                continue
            block, failure = self.mixer.mix(room)
            pieces.append(block)
            done += len(block)
            self.pos += len(block)
            if failure:
                self.mixer.stop()
                self.playout.fail(self.instant(), failure)
                self.changed()
        if len(pieces) == 1:
            return pieces[0]  # the mixer's own new array: no copy
        return np.concatenate(pieces) if pieces else np.zeros((0, CHANNELS), DTYPE)

    def changed(self) -> None:
        """The playout was changed from outside (a command): its next event is asked again.
        (The frame of the next event is kept between blocks: asking the engine every 10 ms
        is a tenth of the audio thread's work.)"""
        self._stale = True

    def prime(self) -> None:
        """Open the item on air now and wait for its first frames, before the device starts
        asking (not in its callback)."""
        self._sync()
        self.mixer.wait(PRIMED, PRIME_TIMEOUT)

    def close(self) -> None:
        self.mixer.close()

    def _sync(self) -> None:
        """Make the mixer play what the playout has on air, and fade what it cuts."""
        playout = self.playout
        while playout.serial != self._serial:
            self._serial, self._faded = playout.serial, None
            try:
                self._start(playout.item)
            except MediaError as err:
                self.mixer.stop()
                playout.fail(self.instant(), err.reason)
                self.changed()
        cut = playout.ends if playout.fade_from is not None else None
        if cut is not None and self._faded != cut:
            self._faded = cut
            self.mixer.fade_out(self.frame(cut) - self.pos)

    def _start(self, item: Item | None) -> None:
        previous, self._previous = self._previous, None if item is None else item.kind
        track = None if item is None else item.track
        if item is None or track is None:
            self.mixer.stop()
            self.mixer.bed(None)
            return
        begun = self.frame(self.playout.started)
        natural_end = self.frame(self.playout.started + item.duration)
        playing = item_level(item, self.playout.plan, self._measure, self.settings)
        self._bed(item.kind, previous)
        offset = frames(track.cue) + self.pos - begun  # from its first sound (its cue point)
        self.mixer.start(track.path, playing, natural_end - self.pos, offset)

    def _bed(self, kind: ItemKind, previous: ItemKind | None) -> None:
        """Under the break's speech, the intro sting loops at `bed_db` (if configured)."""
        plan = self.playout.plan
        wanted = (
            self.settings.bed_db is not None
            and kind is ItemKind.ANNOUNCEMENT
            and previous in (ItemKind.INTRO, ItemKind.ANNOUNCEMENT)
            and plan.intro.playable
        )
        if not wanted:
            self.mixer.bed(None)
            return
        self.mixer.bed(plan.intro.path, bed_level(plan, self._measure, self.settings).gain)


def bed_level(plan: DayPlan, measure: Measure, settings: AudioSettings) -> Level:
    """How the intro sting plays as the bed under a break's speech (`bed_db` under music)."""
    db = gain_db(measure(plan.intro.path), False, settings)
    return Level(db_to_gain(db) * settings.bed_gain)


def item_level(item: Item, plan: DayPlan, measure: Measure, settings: AudioSettings) -> Level:
    """How `item` plays: at its loudness target (speech above the music: announcements and
    emergency messages), limited where it needs it."""
    speech = item.kind is ItemKind.ANNOUNCEMENT or (
        item.kind is ItemKind.EMERGENCY and item.track != plan.alert
    )
    return level(None if item.track is None else measure(item.track.path), speech, settings)
