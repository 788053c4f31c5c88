"""The desk's emergency panel: the presets, start one, clear one, and what is on now.

Several emergencies may be active at once; the store keeps them in the order they were
started and the presets give each its priority, so that the desk ranks them by the very
rule the engine airs them by (`daemon.emergency.precedence`): the first is on air, the
others wait. Starting a preset already active changes nothing and answers what is on; a
clear names the preset it ends (it may be left out when only one is active).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from datetime import time as dt_time

from daemon.desk_views import emergency_view
from daemon.emergency import precedence
from daemon.model import Clear, Command, DayPlan, EmergencyCall, Script
from daemon.store import EmergencyRecord, Store
from daemon.views import Conflict, EmergencyView, NotFound, PresetView, User

__all__ = ["EmergencyDesk"]

Apply = Callable[[Command, str, bool], bool]


class EmergencyDesk:
    def __init__(
        self,
        store: Store,
        presets: dict[str, Script],
        apply: Apply,
        clock: Callable[[], float],
        plan: Callable[[], DayPlan],
    ) -> None:
        self.store, self._presets, self._apply = store, presets, apply
        self._clock, self._plan = clock, plan

    def presets(self) -> list[PresetView]:
        """The approved presets, the most important first."""
        return [
            PresetView(s.id, s.title, s.text, s.repeat_every_seconds, s.priority)
            for s in sorted(self._presets.values(), key=lambda s: (-s.priority, s.id))
        ]

    def start(self, user: User, script_id: str, address: str) -> tuple[EmergencyView, bool]:
        """Start the preset: on air at once, preempting a lower one, or waiting behind one of
        its priority or higher (the view says which); and whether it was started now (False:
        it was on already)."""
        script = self._presets.get(script_id)
        if script is None or script.audio is None:
            known = "、".join(sorted(self._presets)) or "无"
            raise NotFound("no_preset", f"没有「{script_id}」这个紧急广播(可选:{known})。")
        before = self._ranked()
        same = [r for r in before if r.script_id == script.id]
        if same:
            return self._active_view(same[0], before), False  # on already: pressed twice
        now = self._clock()
        record = self.store.emergency_started(script.id, script.title, now, user.name)
        self.store.audit(now, user.name, address, "emergency", script.id)
        self._apply(EmergencyCall(script, script.audio.duration or 0.0, user.name), "", True)
        view = self._active_view(record)
        if before and view.state == "on_air":
            view = replace(view, preempts=before[0].title)
        return view, True

    def clear(self, user: User, script_id: str | None, address: str) -> EmergencyView:
        """Clear the emergency `script_id` (None: the only one active); the item on air
        finishes, then the next active one airs, or the all-clear and the music."""
        active = self._ranked()
        if not active:
            raise Conflict("no_emergency", "现在没有紧急广播。")
        names = "、".join(f"「{r.title}」({r.script_id})" for r in active)
        if script_id is None:
            if len(active) > 1:
                raise Conflict(
                    "which_emergency",
                    f"现在有 {len(active)} 个紧急广播:{names}。请指明结束哪一个。",
                )
            script_id = active[0].script_id
        now = self._clock()
        record = self.store.emergency_cleared(script_id, now, user.name)
        if record is None:
            raise Conflict("not_active", f"「{script_id}」现在没有在广播;正在进行的是:{names}。")
        self.store.audit(now, user.name, address, "emergency_clear", script_id)
        self._apply(Clear(script_id, user.name), "", False)
        return emergency_view(record, self._plan().zone, "cleared", self._priority(record))

    def now(self) -> tuple[EmergencyView, tuple[EmergencyView, ...]]:
        """(the emergency on air, else the day's last one to end; every active one, in the
        order they air: the first is on air, the others wait)."""
        ranked = self._ranked()
        active = tuple(self._active_view(r, ranked) for r in ranked)
        if active:
            return active[0], active
        plan = self._plan()
        zone = plan.zone
        midnight = datetime.combine(plan.day, dt_time(), zone).timestamp()
        today = self.store.emergencies(since=midnight)
        if not today:
            return EmergencyView(active=False), ()
        last = max(today, key=lambda r: (r.cleared_at or 0.0, r.started_at, r.id))  # ended last
        return emergency_view(last, zone, "cleared", self._priority(last)), ()

    def _ranked(self) -> list[EmergencyRecord]:
        started = self.store.active_emergencies()
        order = {r.id: n for n, r in enumerate(started)}
        return sorted(started, key=lambda r: precedence(self._priority(r), order[r.id]))

    def _active_view(
        self, record: EmergencyRecord, ranked: list[EmergencyRecord] | None = None
    ) -> EmergencyView:
        ranked = self._ranked() if ranked is None else ranked
        first = ranked[0] if ranked else record
        on_air = first.id == record.id
        return emergency_view(
            record, self._plan().zone, "on_air" if on_air else "waiting", self._priority(record),
            behind="" if on_air else first.title,
        )  # fmt: skip

    def _priority(self, record: EmergencyRecord) -> int:
        script = self._presets.get(record.script_id)
        return 0 if script is None else script.priority
