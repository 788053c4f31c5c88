"""The emergency cycle: the alert tone and the message alternate until cleared. Pure.

An emergency overrides everything (fire codes): the engine cuts whatever is on air when one
starts, then asks `step` what to play at each free moment. It opens with the alert tone (the
attention signal), then the message. The next message may start `repeat_every_seconds` after
the last one started (0: at once); until then the alert tone repeats, so that nothing is
silent during an emergency but the joins between items. The message follows the first alert
that ends at or after its time, so messages start at least that far apart, at most one
alert more. Without a playable alert tone the message repeats after `PAUSE` seconds.

Precedence: several emergencies may be active; the one on air is the highest `priority`,
the earliest started among equals. One of a higher priority than the one on air preempts it
(`start` says so: the engine cuts); the preempted one waits and takes the air again, from
its alert tone, once every higher one is cleared. One of an equal or lower priority waits
its turn. Starting a preset already active changes nothing.

A clear names the preset it ends (`clear`). Clearing the one on air lets its item finish;
then the next active one, if any, takes the air. The all-clear scripts of the presets
cleared (each script once, in the order cleared) air when no emergency is active any more,
before anything else (`after`): an all-clear never airs while an alarm is still on, and
one cut by a new emergency airs again, in full, once that one is cleared too.
`restore` takes the cycle up after a restart from the durable log: the active emergencies
are active again and the one on top starts a fresh repetition at once (its start instant
kept from the log); the all-clears still owed (of a preset cleared today, not aired in full
since its clear; or, from the as-run log alone, of the emergency last on air, or cut) air
once none is active, the first at once when none is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

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

__all__ = ["ALERT_TITLE", "PAUSE", "EmergencyCycle", "EmergencySnapshot", "Start", "precedence"]

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
    waiting: tuple[str, ...] = ()  # the other active presets, in the order they would air


class Start(Enum):
    """What `EmergencyCycle.start` did with a call."""

    ON_AIR = "on_air"  # it takes the air at once (alone, or preempting a lower one)
    WAITING = "waiting"  # one of an equal or higher priority is on air: it waits its turn
    ALREADY = "already"  # the preset is active already: nothing changes


def precedence(priority: int, order: int) -> tuple[int, int]:
    """Sort key of the active emergencies: the first airs (highest priority, then earliest)."""
    return (-priority, order)


@dataclass(frozen=True, slots=True)
class _Call:
    insert: Insert
    priority: int
    order: int  # when it was started, among the calls of this cycle
    period: float  # seconds from one message's start to the next one's


class EmergencyCycle:
    def __init__(self, plan: DayPlan) -> None:
        alert = plan.alert
        self._alert = alert if alert is not None and alert.playable else None
        self._clears = {preset: s for preset, s in plan.all_clears if _playable(s)}
        self._calls: list[_Call] = []  # the active ones in precedence order: the first airs
        self._started = 0  # calls started so far (their order)
        self.next_at: Instant = 0.0  # when the next message may start
        self._period = 0.0  # seconds from one message's start to the next one's
        self._on_air: Item | None = None  # what `step` last put on air
        self._began: Instant = 0.0  # ... and when
        self._alerting = False  # ... and whether it is the alert tone
        self._pending: list[Item] = []  # all-clears to air once no emergency is active
        self._airing: Item | None = None  # the all-clear `after` last put on air
        self._cleared = False  # the last one cleared, and the output not yet free since

    @property
    def active(self) -> Insert | None:
        """The emergency on air (or to air at the next free moment), if any is active."""
        return self._calls[0].insert if self._calls else None

    def start(self, now: Instant, call: EmergencyCall, started_at: Instant | None = None) -> Start:
        """Take the call: on air at once if nothing of its priority or higher is active."""
        script = call.script
        if any(c.insert.ref == script.id for c in self._calls):
            return Start.ALREADY
        insert = _insert(script, call.duration, now if started_at is None else started_at)
        self._started += 1
        self._calls.append(
            _Call(insert, script.priority, self._started, script.repeat_every_seconds)
        )
        self._calls.sort(key=lambda c: precedence(c.priority, c.order))
        if self._calls[0].insert is not insert:
            return Start.WAITING
        self._take_air(now)
        return Start.ON_AIR

    def clear(self, now: Instant, script_id: str) -> list[Insert]:
        """End the emergency `script_id` ("": every one active): those it ended. The item on
        air finishes; the next active emergency, if any, takes the air after it."""
        ended = [c for c in self._calls if not script_id or c.insert.ref == script_id]
        if not ended:
            return []
        on_air = self._calls[0]
        self._calls = [c for c in self._calls if c not in ended]
        for call in ended:
            clear = self._clears.get(call.insert.ref)
            if clear is not None and all(p.ref != clear.id for p in self._pending):
                self._pending.append(_all_clear(clear, call.insert.requested_at))
        if on_air in ended:
            if self._calls:
                self._take_air(now)
            else:
                self._cleared = True
        return [c.insert for c in ended]

    def step(self, now: Instant, ended: Item | None, interrupted: bool) -> Item | None:
        """What airs at `now` while active: the alert tone or the message, else None (only
        without an alert tone: the pause until `next_at`)."""
        emergency = self.active
        assert emergency is not None
        cut, self._airing = self._airing if interrupted and ended is self._airing else None, None
        if cut is not None and all(p.ref != cut.ref for p in self._pending):
            self._pending.insert(0, cut)  # an all-clear this emergency cut: again, in full
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
        """Once no emergency is active, at a free moment after `ended`: (whether an
        emergency's sound has just ended, the all-clear to air now if one is due)."""
        ending = self._cleared or (ended is not None and ended.kind is ItemKind.EMERGENCY)
        self._cleared = False
        self._airing = self._pending.pop(0) if self._pending else None
        return ending, self._airing

    def restore(
        self,
        now: Instant,
        calls: Sequence[EmergencyCall],
        aired: Sequence[AsRunEntry],
        cleared: Sequence[tuple[str, Instant]] = (),
    ) -> None:
        """Take up the cycle at `now` after a restart (see the module's docstring); `calls`
        are the emergencies active at the restart, in the order they were started; `cleared`
        the day's clears (preset, instant), in order."""
        sounds = [e for e in aired if e.kind is not ItemKind.SKIPPED]
        last = sounds[-1] if sounds else None
        for call in calls:
            began = None
            if last is not None and last.kind is ItemKind.EMERGENCY and last.ref == call.script.id:
                began = last.requested_at  # the emergency that was on air: its first instant
            self.start(now, call, began)
        owed: list[tuple[Script, Instant | None]] = [] if calls else self._owed_by(last)
        for preset, when in cleared:
            script = self._clears.get(preset)
            if script is not None and not _aired_since(script.id, when, sounds):
                owed.append((script, when))
        for script, since in owed:
            if all(p.ref != script.id for p in self._pending):
                self._pending.append(_all_clear(script, since))
        self._cleared = bool(self._pending) and not calls

    def _owed_by(self, last: AsRunEntry | None) -> list[tuple[Script, Instant | None]]:
        """The all-clear the last sound before a restart leaves owed, as the as-run log alone
        tells (no emergency is active): the cleared one's, or the one cut, again in full."""
        if last is None or last.kind is not ItemKind.EMERGENCY:
            return []
        clears = {s.id: s for s in self._clears.values()}
        if last.ref in self._clears:  # cleared, its all-clear not yet on air
            return [(self._clears[last.ref], last.requested_at)]
        if last.ref in clears and last.interrupted:  # the all-clear was cut: again in full
            return [(clears[last.ref], last.requested_at)]
        return []

    def snapshot(self) -> EmergencySnapshot | None:
        active = self.active
        if active is None:
            return None
        waiting = tuple(c.insert.ref for c in self._calls[1:])
        return EmergencySnapshot(
            active.ref, active.title, active.requested_at or 0.0, self.next_at, waiting
        )

    def _take_air(self, now: Instant) -> None:
        """The first active emergency takes the air: a fresh repetition from `now`."""
        self.next_at, self._period = now, self._calls[0].period
        self._on_air, self._cleared = None, False

    def _message(self, now: Instant, emergency: Insert) -> Item:
        self.next_at = now + self._period
        return self._air(
            now, _item(emergency, emergency.title, emergency.duration, emergency.audio)
        )

    def _air(self, now: Instant, item: Item, alerting: bool = False) -> Item:
        self._on_air, self._began, self._alerting = item, now, alerting
        return item


def _aired_since(ref: str, since: Instant, sounds: Sequence[AsRunEntry]) -> bool:
    """Whether `ref` aired in full, from its start to its end, at or after `since`."""
    return any(e.ref == ref and e.start >= since and not e.interrupted for e in sounds)


def _playable(script: Script) -> bool:
    return script.audio is not None and script.audio.playable


def _all_clear(script: Script, requested_at: Instant | None) -> Item:
    assert script.audio is not None
    insert = _insert(script, script.audio.duration or 0.0, requested_at)
    return _item(insert, insert.title, insert.duration, script.audio)


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
