"""Synthetic day plans built from model objects in memory: no files, exact durations."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from daemon.model import (
    Campaign,
    Clear,
    Daypart,
    DayPlan,
    EmergencyCall,
    FixedSlot,
    Page,
    ScheduledCommand,
    Script,
    ScriptKind,
    Track,
)
from daemon.recurrence import local_instant, parse_clock

__all__ = [
    "PlanSpec",
    "at",
    "campaign_script",
    "clear",
    "emergency",
    "fixed_script",
    "make_plan",
    "page",
    "runs_on",
    "tracks",
]


def tracks(prefix: str, durations: Sequence[float]) -> tuple[Track, ...]:
    return tuple(
        Track(Path(f"/music/{prefix}{i:03d}.ogg"), f"{prefix}{i}", d)
        for i, d in enumerate(durations)
    )


def random_durations(n: int, seed: int, low: float = 150.0, high: float = 300.0) -> list[float]:
    rng = random.Random(seed)
    return [round(rng.uniform(low, high), 3) for _ in range(n)]


def fixed_script(id: str, slots: Sequence[str], order: int = 0, text: str = "固定播报") -> Script:
    return Script(
        id,
        ScriptKind.FIXED,
        id,
        text,
        Path(f"/lib/{id}.toml"),
        approved_by="企划部",
        approved_at=date(2026, 11, 1),
        slots=tuple(parse_clock(s) for s in slots),  # type: ignore[misc]
        order=order,
    )


def campaign_script(
    id: str,
    every_songs: int | None = None,
    every_minutes: float | None = None,
    max_per_day: int | None = None,
    weight: float = 1.0,
    weekdays: Sequence[int] = (),
    order: int = 0,
) -> Script:
    """An approved campaign script (exactly one of `every_songs` or `every_minutes`)."""
    return Script(
        id,
        ScriptKind.CAMPAIGN,
        id,
        "活动促销",
        Path(f"/lib/{id}.toml"),
        approved_by="企划部",
        approved_at=date(2026, 11, 1),
        weekdays=frozenset(weekdays),
        every_songs=every_songs,
        every_minutes=every_minutes,
        max_per_day=max_per_day,
        weight=weight,
        order=order,
    )


def runs_on(script: Script, day: date) -> bool:
    """A campaign airs on `day`: its dates and weekdays (what the day plan keeps, B5)."""
    if script.valid_from and day < script.valid_from:
        return False
    if script.valid_until and day > script.valid_until:
        return False
    return not script.weekdays or day.isoweekday() in script.weekdays


ALL_CLEAR = Script(
    "all-clear", ScriptKind.ALL_CLEAR, "警报解除", "警报解除,商场恢复正常营业",
    Path("/lib/all-clear.toml"), audio=Track(Path("/speech/all-clear.wav"), "警报解除", 6.0),
    approved_by="安全部", approved_at=date(2026, 11, 1),
)  # fmt: skip
"""An all-clear script, spoken in 6 s (a plan names it in `all_clears`)."""


def emergency_script(id: str = "fire", repeat: float = 30.0, priority: int = 5) -> Script:
    return Script(
        id,
        ScriptKind.EMERGENCY,
        id,
        "紧急疏散",
        Path(f"/lib/{id}.toml"),
        approved_by="安全部",
        approved_at=date(2026, 11, 1),
        repeat_every_seconds=repeat,
        priority=priority,
    )


@dataclass
class PlanSpec:
    day: date = date(2026, 11, 23)
    zone: str = "Asia/Shanghai"
    opening: str = "10:00"
    closing: str = "22:00"
    dayparts: Sequence[tuple[str, str, Sequence[float], bool]] = (
        ("10:00", "14:00", (180.0, 200.0, 220.0, 240.0), False),
        ("14:00", "22:00", (190.0, 210.0, 230.0, 250.0), True),
    )
    fixed: Sequence[tuple[Script, float]] = ()  # (script, spoken seconds)
    campaigns: Sequence[tuple[Script, float, Sequence[tuple[str, str]]]] = ()
    opening_song: float | None = 60.0
    closing_song: float | None = 75.0
    intro: float = 3.5
    outro: float = 3.0
    alert: float | None = 2.0
    max_announcements: int = 3
    urgent_max_wait: float = 45.0
    extra: dict[str, object] = field(default_factory=dict)
    campaign_min_gap: float = 0.0  # seconds


def make_plan(spec: PlanSpec | None = None) -> DayPlan:
    spec = spec or PlanSpec()
    zone = ZoneInfo(spec.zone)

    def inst(clock: str) -> float:
        return local_instant(spec.day, parse_clock(clock) or time(0), zone)

    dayparts = tuple(
        Daypart(inst(s), inst(e), f"part{i}", Path(f"/pl/{i}.m3u8"), tracks(f"p{i}-", d), shuffle)
        for i, (s, e, d, shuffle) in enumerate(spec.dayparts)
    )
    fixed = sorted(
        (
            FixedSlot(local_instant(spec.day, slot, zone), script, seconds)
            for script, seconds in spec.fixed
            for slot in script.slots
        ),
        key=lambda s: (s.due, s.script.order, s.script.id),
    )
    campaigns = tuple(
        Campaign(script, tuple((inst(a), inst(b)) for a, b in windows), seconds)
        for script, seconds, windows in spec.campaigns
    )
    sting = Path("/stings")
    return DayPlan(
        day=spec.day,
        zone=zone,
        day_start=local_instant(spec.day, time(0), zone),
        day_end=local_instant(spec.day + timedelta(days=1), time(0), zone),
        opening=inst(spec.opening),
        closing=inst(spec.closing),
        dayparts=dayparts,
        intro=Track(sting / "intro.ogg", "intro", spec.intro),
        outro=Track(sting / "outro.ogg", "outro", spec.outro),
        fixed=tuple(fixed),
        campaigns=campaigns,
        opening_song=None
        if spec.opening_song is None
        else Track(Path("/music/opening.ogg"), "opening", spec.opening_song),
        closing_song=None
        if spec.closing_song is None
        else Track(Path("/music/closing.ogg"), "closing", spec.closing_song),
        alert=None if spec.alert is None else Track(sting / "alert.ogg", "alert", spec.alert),
        max_announcements=spec.max_announcements,
        urgent_max_wait=spec.urgent_max_wait,
        campaign_min_gap=spec.campaign_min_gap,
        seed=int(spec.day.strftime("%Y%m%d")),
    )


def at(plan: DayPlan, clock: str | float) -> float:
    """A store-local "HH:MM[:SS]" on the plan's day as an instant; an instant passes through."""
    if isinstance(clock, float):
        return clock
    parsed = parse_clock(clock)
    assert parsed is not None, clock
    return local_instant(plan.day, parsed, plan.zone)


_line = iter(range(1, 1_000_000))


def page(
    plan: DayPlan, clock: str | float, id: str = "", urgent: bool = False, seconds: float = 11.0
) -> ScheduledCommand:
    line = next(_line)
    return ScheduledCommand(
        at(plan, clock),
        Page(id or f"page-{line}", "customer", "来宾张先生,请到服务台。", seconds, urgent),
        line,
    )


def emergency(
    plan: DayPlan, clock: str | float, script: Script | None = None, seconds: float = 20.0
) -> ScheduledCommand:
    return ScheduledCommand(
        at(plan, clock), EmergencyCall(script or emergency_script(), seconds), next(_line)
    )


def clear(plan: DayPlan, clock: str | float, script_id: str = "") -> ScheduledCommand:
    """The clear of the emergency `script_id` ("": of every one active)."""
    return ScheduledCommand(at(plan, clock), Clear(script_id), next(_line))
