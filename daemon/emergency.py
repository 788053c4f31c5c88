"""The emergency cycle: the alert tone and the message alternate until cleared. Pure.

An emergency overrides everything (fire codes): the engine cuts whatever is on air when one
starts, then asks `step` what to play at each free moment. It opens with the alert tone (the
attention signal), then the message. The next message may start `repeat_every_seconds` after
the last one started (0: at once); until then the alert tone repeats, so that nothing is
silent during an emergency but the joins between items. The message follows the first alert
that ends at or after its time, so messages start at least that far apart, at most one
alert more. Without a playable alert tone the message repeats after `PAUSE` seconds.

A clear lets the item on air finish and ends the repetitions (`clear`); then the preset's
all-clear script, if the plan has one for it, airs once before anything else (`after`).
`restore` takes the cycle up after a restart from the durable log: an active emergency
starts a fresh repetition at once (its start instant kept from the log); a cleared one whose
all-clear had not aired in full airs it first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from daemon.model import (
    AsRunEntry,
    DayPlan,
    EmergencyCall,
    Insert,
    InsertClass,
    Instant,
    Item,
    ItemKind,
    Script,
    Source,
    Track,
)

__all__ = ["ALERT_TITLE", "PAUSE", "EmergencyCycle", "EmergencySnapshot"]

PAUSE = 1.0
"""Seconds of silence between two messages when there is no alert tone to fill the wait."""
ALERT_TITLE = "alert tone"
_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class EmergencySnapshot:
    script_id: str
    title: str
    started_at: Instant
    next_repetition: Instant  # when the next message may start


class EmergencyCycle:
    def __init__(self, plan: DayPlan) -> None:
        alert = plan.alert
        self._alert = alert if alert is not None and alert.playable else None
        self._clears = {preset: s for preset, s in plan.all_clears if _playable(s)}
        self.active: Insert | None = None
        self.next_at: Instant = 0.0  # when the next message may start
        self._period = 0.0  # seconds from one message's start to the next one's
        self._on_air: Item | None = None  # what `step` last put on air
        self._began: Instant = 0.0  # ... and when
        self._alerting = False  # ... and whether it is the alert tone
        self._clear_script: Script | None = None  # the active preset's all-clear
        self._pending: Item | None = None  # the all-clear still to air after a clear
        self._cleared = False  # cleared, and the output not yet free since

    def start(self, now: Instant, call: EmergencyCall, started_at: Instant | None = None) -> None:
        """Begin (or replace) the emergency: its alert tone (or message) may start at once."""
        script = call.script
        self.active = _insert(script, call.duration, now if started_at is None else started_at)
        self.next_at, self._period = now, script.repeat_every_seconds
        self._on_air, self._pending, self._cleared = None, None, False
        self._clear_script = self._clears.get(script.id)

    def clear(self) -> Insert | None:
        """End the repetitions (the item on air finishes); the emergency that was active."""
        cleared, self.active = self.active, None
        if cleared is not None:
            self._cleared = True
            clear = self._clear_script
            if clear is not None and clear.audio is not None:
                insert = _insert(clear, clear.audio.duration or 0.0, cleared.requested_at)
                self._pending = _item(insert, insert.title, insert.duration, clear.audio)
        return cleared

    def step(self, now: Instant, ended: Item | None, interrupted: bool) -> Item | None:
        """What airs at `now` while active: the alert tone or the message, else None (only
        without an alert tone: the pause until `next_at`)."""
        emergency = self.active
        assert emergency is not None
        last, self._on_air = self._on_air, None
        if last is not None and (ended is not last or interrupted):
            last = None
        alerted = last is not None and self._alerting
        if alerted and now <= self._began:  # the alert tone could not be played: without it
            self._alert, last, alerted = None, None, False
            self.next_at = min(self.next_at, now)
        alert = self._alert
        if alert is None:
            if last is not None:  # the message ended (or failed): pause, then again
                self.next_at = now + PAUSE
                return None
            return self._message(now, emergency) if now >= self.next_at - _EPS else None
        if alerted and now >= self.next_at - _EPS:
            return self._message(now, emergency)
        item = _item(emergency, ALERT_TITLE, alert.duration or 0.0, alert)
        return self._air(now, item, alerting=True)

    def after(self, ended: Item | None) -> tuple[bool, Item | None]:
        """Once no emergency is active, at a free moment after `ended`: (whether the
        emergency's sound has just ended, the all-clear to air now if one is due)."""
        ending = self._cleared or (ended is not None and ended.kind is ItemKind.EMERGENCY)
        self._cleared = False
        pending, self._pending = self._pending, None
        return ending, pending

    def restore(
        self, now: Instant, call: EmergencyCall | None, aired: Sequence[AsRunEntry]
    ) -> None:
        """Take up the cycle at `now` after a restart (see the module's docstring)."""
        sounds = [e for e in aired if e.kind is not ItemKind.SKIPPED]
        last = sounds[-1] if sounds else None
        if call is not None:
            began = None
            if last is not None and last.kind is ItemKind.EMERGENCY and last.ref == call.script.id:
                began = last.requested_at  # the emergency that was on air: its first instant
            self.start(now, call, began)
            return
        if last is None or last.kind is not ItemKind.EMERGENCY:
            return
        clears = {s.id: s for s in self._clears.values()}
        if last.ref in self._clears:  # cleared, its all-clear not yet on air
            script = self._clears[last.ref]
        elif last.ref in clears and last.interrupted:  # the all-clear was cut: again in full
            script = clears[last.ref]
        else:
            return
        assert script.audio is not None
        insert = _insert(script, script.audio.duration or 0.0, last.requested_at)
        self._pending = _item(insert, insert.title, insert.duration, script.audio)
        self._cleared = True

    def snapshot(self) -> EmergencySnapshot | None:
        active = self.active
        if active is None:
            return None
        return EmergencySnapshot(active.ref, active.title, active.requested_at or 0.0, self.next_at)

    def _message(self, now: Instant, emergency: Insert) -> Item:
        self.next_at = now + self._period
        return self._air(
            now, _item(emergency, emergency.title, emergency.duration, emergency.audio)
        )

    def _air(self, now: Instant, item: Item, alerting: bool = False) -> Item:
        self._on_air, self._began, self._alerting = item, now, alerting
        return item


def _playable(script: Script) -> bool:
    return script.audio is not None and script.audio.playable


def _insert(script: Script, duration: float, requested_at: Instant | None) -> Insert:
    return Insert(
        InsertClass.EMERGENCY,
        Source.EMERGENCY,
        script.id,
        script.title,
        duration,
        requested_at=requested_at,
        audio=script.audio,
        text=script.text,
    )


def _item(emergency: Insert, title: str, duration: float, track: Track | None) -> Item:
    return Item(
        ItemKind.EMERGENCY,
        Source.EMERGENCY,
        emergency.ref,
        title,
        duration,
        track=track,
        insert=emergency,
    )
