"""Preview by simulation (B5, B6): how a script would really air, before anyone approves it.

Each day of the script's dates (from `first`, at most `MAX_DAYS`) is planned twice from the
service's catalog (config, playlists, the approved library as loaded now, the store's
voice): with the candidate (a new version replacing the approved one of the same id) and
without it; both plans are simulated with the store's typical pages (`TypicalPages`). The
plays counted in the two timelines say how often it would air against what it asks for, at
which times, and which other campaigns lose plays to it (`simulate_days`). `render_break`
renders the break of its first airing, with the music either side, through the mixer as
the store would hear it. Both run in the preview process (daemon/previewer.py), never in
the service's own: they are given the config's path and the service's library as it is
now, and load the rest once per process.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from daemon.audio.sinks import WavSink
from daemon.catalog.load import Catalog, load_catalog
from daemon.dayplan import build_day_plan
from daemon.drivers.render import render
from daemon.drivers.simulate import simulate
from daemon.model import (
    AsRunEntry,
    DayPlan,
    Instant,
    ItemKind,
    Page,
    ScheduledCommand,
    Script,
    ScriptKind,
    Source,
)
from daemon.speech.speaker import Speaker, open_speaker

__all__ = [
    "MAX_DAYS",
    "DayPreview",
    "Loss",
    "Preview",
    "TypicalPages",
    "asked",
    "render_break",
    "simulate_days",
]

MAX_DAYS = 62
"""Days simulated at most (a campaign running longer: its first MAX_DAYS from `first`)."""
OPEN_ENDED_DAYS = 28
"""Days simulated for a script with no end date."""
HELD = 0.8
"""A day holds the script when it airs at least this share of what it asks for: a campaign
waits for a song to end, so a few fewer than the clock's count is normal."""
LEAD = 4.0  # seconds of music rendered before and after the break in `listen`
_KEPT = 8  # rendered breaks kept


@dataclass(frozen=True, slots=True)
class TypicalPages:
    """The pages of a typical day: how many start in each hour of the day (store-local) and
    how long one is spoken. `basis` says where the figures come from, in Chinese."""

    per_hour: tuple[int, ...]  # 24 counts
    seconds: float
    basis: str

    @classmethod
    def from_history(
        cls, offsets: Sequence[tuple[float, float]], days: int, default_per_hour: int = 2,
        default_seconds: float = 8.0, opening_hours: range = range(10, 22),
    ) -> TypicalPages:  # fmt: skip
        """From (seconds after local midnight, spoken seconds) of the pages of the last `days`
        days; with none, `default_per_hour` in each of `opening_hours`."""
        if not offsets or days <= 0:
            counts = tuple(default_per_hour if h in opening_hours else 0 for h in range(24))
            basis = f"近 {days} 天没有找人广播记录,按每小时 {default_per_hour} 条估算"
            return cls(counts, default_seconds, basis)
        hours = Counter(min(23, max(0, int(at // 3600))) for at, _ in offsets)
        counts = tuple(round(hours[h] / days) for h in range(24))
        spoken = sorted(seconds for _, seconds in offsets)[len(offsets) // 2]
        basis = f"按近 {days} 天的 {len(offsets)} 条找人广播,每天约 {sum(counts)} 条"
        return cls(counts, spoken, basis)

    def commands(self, plan: DayPlan) -> list[ScheduledCommand]:
        """The day's pages, spread evenly over each hour, as the simulation's commands."""
        out = []
        for hour, count in enumerate(self.per_hour):
            for n in range(count):
                at = plan.day_start + hour * 3600 + (n + 0.5) * 3600 / count
                if plan.open_at(at):
                    page = Page(f"typical-{hour}-{n}", "customer", "典型找人广播", self.seconds)
                    out.append(ScheduledCommand(at, page))
        return out


@dataclass(frozen=True, slots=True)
class Loss:
    """Another campaign's plays on a day without the candidate and with it."""

    script_id: str
    title: str
    without: int
    with_it: int


@dataclass(frozen=True, slots=True)
class DayPreview:
    day: date
    asked: int  # what its frequency and cap ask for (0: it does not run that day)
    airs: int  # what the simulation aired in full
    times: tuple[Instant, ...]  # when each play started
    losses: tuple[Loss, ...]  # other campaigns that air less because of it
    note: str  # why it does not run that day, or never airs ("" if it airs)

    @property
    def held(self) -> str:
        """off (not that day), none (never airs), short (under `HELD` of its ask), full."""
        if self.asked == 0:
            return "off"
        if self.airs == 0:
            return "none"
        return "short" if self.airs < HELD * self.asked else "full"


@dataclass(frozen=True, slots=True)
class Preview:
    script: Script
    days: tuple[DayPreview, ...]
    more_days: int  # days of its range beyond those simulated
    pages: TypicalPages


def asked(script: Script, plan: DayPlan, songs: Sequence[AsRunEntry]) -> int:
    """The plays `script` asks for on `plan`'s day: its fixed slots in business hours, or its
    campaign frequency over its windows (every N songs: the `songs` that end in them), at
    most its daily cap, at least 1. 0 if the plan does not have it."""
    if script.kind is ScriptKind.FIXED:
        return sum(s.script.id == script.id for s in plan.fixed)
    campaign = next((c for c in plan.campaigns if c.script.id == script.id), None)
    if campaign is None:
        return 0
    if script.every_minutes:
        count = sum(int((b - a) // (script.every_minutes * 60)) for a, b in campaign.windows)
    else:
        ended = sum(any(a < e.end <= b for a, b in campaign.windows) for e in songs)
        count = ended // (script.every_songs or 1)
    count = max(1, count)  # on air that day, it asks to be heard at least once
    return count if script.max_per_day is None else min(count, script.max_per_day)


# -- the work, done in the preview process (daemon/previewer.py) ---------------------------

_WORLD: dict[Path, tuple[Catalog, Speaker]] = {}


def _world(config: Path, scripts: tuple[Script, ...]) -> tuple[Catalog, Speaker]:
    """The store of `config` (loaded once per process) with the service's library now."""
    if config not in _WORLD:
        catalog = load_catalog(config)
        _WORLD[config] = catalog, open_speaker(catalog.config.speech, catalog.config.state_dir)
    catalog, speaker = _WORLD[config]
    return replace(catalog, scripts=scripts), speaker


def simulate_days(
    config: Path, scripts: tuple[Script, ...], candidate: Script, first: date, pages: TypicalPages
) -> Preview:
    """`candidate` simulated day by day over its dates from `first` (at most MAX_DAYS; four
    weeks if it has no end), against the library `scripts`, with `pages`."""
    catalog, speaker = _world(config, scripts)
    last = candidate.valid_until or first + timedelta(days=OPEN_ENDED_DAYS - 1)
    start = max(first, candidate.valid_from or first)
    span = [start + timedelta(days=n) for n in range((last - start).days + 1)]
    days = tuple(_day(catalog, speaker, candidate, day, pages) for day in span[:MAX_DAYS])
    return Preview(candidate, days, max(0, len(span) - MAX_DAYS), pages)


def _day(
    catalog: Catalog, speaker: Speaker, candidate: Script, day: date, pages: TypicalPages
) -> DayPreview:
    with_it = _plan(catalog, speaker, _with(catalog, candidate, day), day)
    if not any(s.id == candidate.id for s in _scripts_of(with_it)):
        return DayPreview(day, 0, 0, (), (), _not_on(candidate, day))
    without = _plan(catalog, speaker, _without(catalog, candidate), day)
    aired = simulate(with_it, pages.commands(with_it))
    before = simulate(without, pages.commands(without))
    mine = [e for e in _plays(aired) if e.ref == candidate.id]
    songs = [e for e in aired if e.kind is ItemKind.MUSIC]  # the songs that air with it
    note = "" if mine else _never(candidate, with_it)
    return DayPreview(
        day, asked(candidate, with_it, songs), len(mine), tuple(e.start for e in mine),
        _losses(without, before, aired, candidate.id), note,
    )  # fmt: skip


def render_break(
    config: Path, scripts: tuple[Script, ...], preview: Preview, folder: Path
) -> Path | None:
    """A WAV in `folder` of the break of the first play in `preview` (made once for the same
    script, day and library; the last `_KEPT` kept), or None if it airs on none of its days."""
    day = next((d for d in preview.days if d.times), None)
    if day is None:
        return None
    catalog, speaker = _world(config, scripts)
    plan = _plan(catalog, speaker, _with(catalog, preview.script, day.day), day.day)
    around = _break_around(simulate(plan), preview.script)
    if around is None:
        return None
    begin, end = around
    digest = hashlib.sha256(repr((preview.script, day.day, catalog.scripts)).encode())
    path = folder / f"break-{digest.hexdigest()[:16]}.wav"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        settings, measure = catalog.config.audio, catalog.media.analysis
        render(plan, [], begin - LEAD, end + LEAD, WavSink(path), settings, measure)
        for old in sorted(folder.glob("break-*.wav"), key=_modified)[:-_KEPT]:
            old.unlink(missing_ok=True)
    return path


def _plan(catalog: Catalog, speaker: Speaker, scripts: tuple[Script, ...], day: date) -> DayPlan:
    plan, _ = build_day_plan(replace(catalog, scripts=scripts), day, speaker)
    return plan


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _with(catalog: Catalog, candidate: Script, day: date) -> tuple[Script, ...]:
    """The library with the candidate in place of its approved version, as if approved."""
    approved = replace(candidate, approved_by=candidate.approved_by or "预览", approved_at=day)
    return (*_without(catalog, candidate), approved)


def _without(catalog: Catalog, candidate: Script) -> tuple[Script, ...]:
    return tuple(s for s in catalog.scripts if s.id != candidate.id)


def _scripts_of(plan: DayPlan) -> list[Script]:
    return [c.script for c in plan.campaigns] + [s.script for s in plan.fixed]


def _plays(timeline: Sequence[AsRunEntry]) -> list[AsRunEntry]:
    """Announcements of campaigns and fixed slots that aired in full."""
    return [
        e
        for e in timeline
        if e.kind is ItemKind.ANNOUNCEMENT
        and e.source in (Source.CAMPAIGN, Source.FIXED)
        and not e.interrupted
    ]


def _losses(
    without: DayPlan, before: Sequence[AsRunEntry], after: Sequence[AsRunEntry], own: str
) -> tuple[Loss, ...]:
    was = Counter(e.ref for e in _plays(before) if e.source is Source.CAMPAIGN)
    now = Counter(e.ref for e in _plays(after) if e.source is Source.CAMPAIGN)
    return tuple(
        Loss(c.script.id, c.script.title, was[c.script.id], now[c.script.id])
        for c in without.campaigns
        if c.script.id != own and now[c.script.id] < was[c.script.id]
    )


_WEEKDAYS = "一二三四五六日"


def _not_on(script: Script, day: date) -> str:
    """Why the day plan leaves the candidate out on `day`, in Chinese."""
    if script.weekdays and day.isoweekday() not in script.weekdays:
        return f"周{_WEEKDAYS[day.weekday()]}不播(它只在{_days(script.weekdays)}播)"
    if script.kind is ScriptKind.FIXED:
        return "它的时间都不在营业时间内"
    return "这一天不能播出(时段不在营业时间内,或录音太长)"


def _never(script: Script, plan: DayPlan) -> str:
    """Why a script the day has never aired, in Chinese, as far as the plan tells."""
    campaign = next((c for c in plan.campaigns if c.script.id == script.id), None)
    if campaign is not None and script.every_minutes:
        first = plan.opening + script.every_minutes * 60  # its first turn (B5: since opening)
        if all(end <= first for _, end in campaign.windows):
            return (f"开门 {script.every_minutes:g} 分钟后才第一次轮到它,那时它的时段已经过了:"
                    "缩短间隔,或把时段往后放")  # fmt: skip
    return "它的时段里一直没有轮到它:时段太短,或插播的位置被别的广播占满了"


def _days(weekdays: frozenset[int]) -> str:
    return "、".join(f"周{_WEEKDAYS[d - 1]}" for d in sorted(weekdays))


def _break_around(timeline: Sequence[AsRunEntry], script: Script) -> tuple[Instant, Instant] | None:
    """(start, end) of the break of `script`'s first play in `timeline` (None: no play)."""
    ordered = sorted(timeline, key=lambda e: e.start)
    plays = (i for i, e in enumerate(ordered) if e in _plays([e]) and e.ref == script.id)
    at = next(plays, None)
    if at is None:
        return None
    inside = (ItemKind.INTRO, ItemKind.ANNOUNCEMENT, ItemKind.OUTRO)
    first = last = at
    while first > 0 and ordered[first - 1].kind in inside[:2]:
        first -= 1
    while last + 1 < len(ordered) and ordered[last + 1].kind in inside[1:]:
        last += 1
    return ordered[first].start, ordered[last].end
