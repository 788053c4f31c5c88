"""The emergency cycle: alert tone, message, pause; again, until cleared. Pure.

An emergency overrides everything (fire codes): the engine cuts whatever is on air when one
starts, then asks `step` what to play at each free moment. A repetition starts every
`repeat_every_seconds` (from one start to the next); between them the output is silent.
A clear lets the message on air finish and ends the repetitions.
"""

from __future__ import annotations

from dataclasses import dataclass

from daemon.model import EmergencyCall, Insert, InsertClass, Instant, Item, ItemKind, Source, Track

__all__ = ["EmergencyCycle", "EmergencySnapshot"]


@dataclass(frozen=True, slots=True)
class EmergencySnapshot:
    script_id: str
    title: str
    started_at: Instant
    next_repetition: Instant


class EmergencyCycle:
    def __init__(self, alert: Track | None) -> None:
        self._alert = alert if alert is not None and alert.playable else None
        self.active: Insert | None = None
        self.next_at: Instant = 0.0  # when the next repetition may start
        self._period = 0.0  # seconds from one repetition's start to the next
        self._alerting = False  # the alert tone is on air

    def start(self, now: Instant, call: EmergencyCall, started_at: Instant | None = None) -> None:
        """Begin (or replace) the emergency; its first repetition may start at once."""
        script = call.script
        self.active = Insert(
            InsertClass.EMERGENCY,
            Source.EMERGENCY,
            script.id,
            script.title,
            call.duration,
            requested_at=now if started_at is None else started_at,
            audio=script.audio,
            text=script.text,
        )
        self.next_at, self._alerting = now, False
        self._period = script.repeat_every_seconds

    def clear(self) -> Insert | None:
        """End the repetitions (the message on air finishes); the emergency that was active."""
        cleared, self.active = self.active, None
        return cleared

    def step(self, now: Instant, ended: Item | None, interrupted: bool) -> Item | None:
        """What airs at `now` while active: the message after its alert, or a new
        repetition's alert (or message) once due, else None (the pause)."""
        emergency = self.active
        assert emergency is not None
        if self._alerting and ended is not None and not interrupted:
            self._alerting = False
            return self._item(emergency, emergency.title, emergency.duration, emergency.audio)
        if now < self.next_at:
            return None
        self.next_at = now + self._period
        alert = self._alert
        if alert is None:
            return self._item(emergency, emergency.title, emergency.duration, emergency.audio)
        self._alerting = True
        return self._item(emergency, "alert tone", alert.duration or 0.0, alert)

    def snapshot(self) -> EmergencySnapshot | None:
        active = self.active
        if active is None:
            return None
        return EmergencySnapshot(active.ref, active.title, active.requested_at or 0.0, self.next_at)

    @staticmethod
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
