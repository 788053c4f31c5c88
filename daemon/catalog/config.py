"""The store's TOML config, validated on load.

`load_config(path)` returns a `Config` or raises `InputError` listing every problem found:
file, key, what was expected, what was found. Relative paths resolve against the config
file's folder.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from daemon.audio.settings import AudioSettings
from daemon.catalog.audio_config import audio_settings
from daemon.catalog.fields import Fields, read_toml
from daemon.catalog.music_config import KEYS as SEPARATION_KEYS
from daemon.catalog.music_config import separation
from daemon.catalog.problems import InputError, Problem
from daemon.catalog.service_config import ServiceSettings, service_settings
from daemon.catalog.speech_config import speech_settings
from daemon.catalog.window_config import KEYS as WINDOW_KEYS
from daemon.catalog.window_config import Window, window
from daemon.model import Separation
from daemon.speech.settings import SpeechSettings
from daemon.switchboard.book import Deadlines
from daemon.switchboard.greeting import DEFAULT_MORNING_UNTIL

__all__ = ["BreaksConfig", "Config", "DaypartConfig", "StoreConfig", "Zone", "load_config"]

MAX_ANNOUNCEMENTS = 10  # in one break
MAX_URGENT_WAIT = 300.0  # seconds an urgent page (a lost child) may wait for its boundary
MAX_URGENT_FADE = 10.0  # seconds the song fades out for it
MAX_CAMPAIGN_GAP = 120.0  # minutes from one campaign announcement's start to the next's


@dataclass(frozen=True, slots=True)
class StoreConfig:
    name: str
    timezone: ZoneInfo
    opening: time
    closing: time  # time.max stands for 24:00


@dataclass(frozen=True, slots=True)
class DaypartConfig:
    name: str
    start: time
    end: time
    playlist: Path
    shuffle: bool


@dataclass(frozen=True, slots=True)
class BreaksConfig:
    intro: Path
    outro: Path
    max_announcements: int
    urgent_max_wait_seconds: float
    urgent_fade_seconds: float
    emergency_fade_seconds: float
    alert: Path | None  # attention tone before each emergency message (None: the default)
    window: Window = field(default_factory=Window)  # fixed_early_seconds, calm_after_..._minutes
    # minutes from a campaign announcement's start before another may start; 0: no gap.
    # Above 0, a break carries at most one campaign (daemon.breaks)
    campaign_min_gap_minutes: float = 0.0


@dataclass(frozen=True, slots=True)
class Zone:
    name: str
    gain_db: float


@dataclass(frozen=True, slots=True)
class Config:
    file: Path
    store: StoreConfig
    opening_song: Path | None
    closing_song: Path | None
    dayparts: tuple[DaypartConfig, ...]
    breaks: BreaksConfig
    scripts_dir: Path
    state_dir: Path
    zones: tuple[Zone, ...]
    speech: SpeechSettings
    audio: AudioSettings
    service: ServiceSettings = field(default_factory=ServiceSettings)
    separation: Separation = field(default_factory=Separation)  # [music] separation keys
    fallback: Path | None = None  # music.fallback: a playlist for dayparts with nothing playable
    morning_until: time = DEFAULT_MORNING_UNTIL  # [switchboard]: 您早 before it, 您好 from it (S1)
    # [switchboard]: a complaint's answer is due, then it is late (S8)
    deadlines: Deadlines = field(default_factory=Deadlines)
    # [switchboard] directory: the staff directory's CSV file, imported once, when the store
    # holds none yet (after that admins import on the switchboard page)
    directory_seed: Path | None = None


def load_config(path: Path) -> Config:
    path = Path(path)
    problems: list[Problem] = []
    root = Fields(path, read_toml(path, "config"), "", problems)
    base = path.parent
    root.only(
        [
            "store",
            "music",
            "breaks",
            "library",
            "daemon",
            "zones",
            "speech",
            "paging",
            "audio",
            "api",
            "hooks",
            "switchboard",
        ]
    )

    store = _store(root.sub("store"))
    music = root.sub("music")
    music.only(["opening_song", "closing_song", "fallback", "daypart", *SEPARATION_KEYS])
    music_separation = separation(music)
    dayparts = tuple(_daypart(f, base, i) for i, f in enumerate(music.table_list("daypart")))
    if not dayparts and "daypart" not in music.table:
        music.problem(
            "daypart",
            "at least one [[music.daypart]]",
            "none",
            "each daypart names a start, an end and a playlist",
        )
    if store is not None:
        _check_coverage(music, store, [d for d in dayparts if d is not None])
    names = [d.name for d in dayparts if d is not None]
    for name in sorted({n for n in names if names.count(n) > 1}):
        found = f'"{name}" {names.count(name)} times'
        music.problem("daypart", "daypart names used once", found, "give each daypart its own name")

    breaks = root.sub("breaks")
    breaks.only(
        [
            "intro",
            "outro",
            "max_announcements",
            "urgent_max_wait_seconds",
            "urgent_fade_seconds",
            "emergency_fade_seconds",
            "alert",
            "bed_db",
            "campaign_min_gap_minutes",
            *WINDOW_KEYS,
        ]
    )
    intro, outro = breaks.path("intro", base), breaks.path("outro", base)
    library = root.sub("library")
    library.only(["scripts"])
    scripts_dir = library.path("scripts", base)
    daemon = root.sub("daemon", required=False)
    daemon.only(["state_dir", "check_before_opening_minutes", "pages_per_minute"])

    breaks_config = _breaks(breaks, base, intro, outro)
    state_dir = daemon.path("state_dir", base, required=False) or base / ".mall-pa"
    zones = tuple(_zones(root))
    speech = speech_settings(root, base)
    audio = audio_settings(root, breaks)
    service = service_settings(root, daemon, base)
    switchboard = root.sub("switchboard", required=False)
    switchboard.only(
        ["morning_until", "complaint_answer_hours", "complaint_limit_hours", "directory"]
    )
    morning_until = switchboard.clock("morning_until", required=False) or DEFAULT_MORNING_UNTIL
    deadlines = _deadlines(switchboard)
    directory_seed = switchboard.path("directory", base, required=False)
    opening_song = music.path("opening_song", base, required=False)
    closing_song = music.path("closing_song", base, required=False)
    fallback = music.path("fallback", base, required=False)
    if problems or store is None or breaks_config is None or scripts_dir is None:
        raise InputError(problems)
    return Config(
        file=path,
        store=store,
        opening_song=opening_song,
        closing_song=closing_song,
        fallback=fallback,
        dayparts=tuple(d for d in dayparts if d is not None),
        breaks=breaks_config,
        scripts_dir=scripts_dir,
        state_dir=state_dir,
        zones=zones,
        speech=speech,
        audio=audio,
        service=service,
        separation=music_separation,
        morning_until=morning_until,
        deadlines=deadlines,
        directory_seed=directory_seed,
    )


def _deadlines(fields: Fields) -> Deadlines:
    """S8: hours to answer a complaint (24 by default), and at most (48)."""
    answer = fields.number("complaint_answer_hours", 24.0, 1, 24 * 30)
    limit = fields.number("complaint_limit_hours", 48.0, 1, 24 * 30)
    if answer is None or limit is None:
        return Deadlines()
    if limit < answer:
        fields.problem(
            "complaint_limit_hours",
            f"at least complaint_answer_hours ({answer:g})",
            f"the number {limit:g}",
            "the limit is the latest a complaint may be answered: make it the larger one",
        )
        return Deadlines()
    return Deadlines(answer, limit)


def _breaks(
    fields: Fields, base: Path, intro: Path | None, outro: Path | None
) -> BreaksConfig | None:
    max_announcements = fields.integer("max_announcements", 3, 1, MAX_ANNOUNCEMENTS)
    urgent_wait = fields.number("urgent_max_wait_seconds", 45.0, 0, MAX_URGENT_WAIT)
    urgent_fade = fields.number("urgent_fade_seconds", 2.0, 0, MAX_URGENT_FADE)
    # at most 0.05: an emergency cuts in at once
    emergency_fade = fields.number("emergency_fade_seconds", 0.02, 0, 0.05)
    alert = fields.path("alert", base, required=False)
    timing = window(fields)
    gap = fields.number("campaign_min_gap_minutes", 0.0, 0, MAX_CAMPAIGN_GAP)
    if (
        intro is None
        or outro is None
        or max_announcements is None
        or urgent_wait is None
        or urgent_fade is None
        or emergency_fade is None
    ):
        return None
    return BreaksConfig(
        intro,
        outro,
        max_announcements,
        urgent_wait,
        urgent_fade,
        emergency_fade,
        alert,
        timing,
        campaign_min_gap_minutes=gap or 0.0,
    )


def _store(fields: Fields) -> StoreConfig | None:
    fields.only(["name", "timezone", "opening", "closing"])
    name = fields.text("name")
    zone_name = fields.text("timezone", required=False, default="Asia/Shanghai")
    zone = None
    try:
        zone = ZoneInfo(zone_name or "")
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Asia" is a folder
        close = difflib.get_close_matches(zone_name or "", sorted(available_timezones()), 1, 0.8)
        fields.problem(
            "timezone",
            'an IANA time zone like "Asia/Shanghai"',
            f'"{zone_name}"',
            f'did you mean "{close[0]}"?' if close else "use Region/City, like Asia/Taipei",
        )
    opening, closing = fields.clock("opening"), fields.clock("closing")
    if opening and closing and not opening < closing:
        fields.problem(
            "closing",
            f"a time after opening ({opening:%H:%M})",
            f"{closing:%H:%M}",
            "mall-pa does not support business days that cross midnight",
        )
    if name is None or zone is None or opening is None or closing is None:
        return None
    return StoreConfig(name, zone, opening, closing)


def _daypart(fields: Fields, base: Path, index: int) -> DaypartConfig | None:
    fields.only(["name", "start", "end", "playlist", "order"])
    start, end = fields.clock("start"), fields.clock("end")
    playlist = fields.path("playlist", base)
    order = fields.choice("order", ["sequential", "shuffle"], "sequential")
    name = fields.text("name", required=False) or (playlist.stem if playlist else f"daypart{index}")
    if start and end and not start < end:
        fields.problem("end", f"a time after start ({start:%H:%M})", f"{end:%H:%M}")
        return None
    if start is None or end is None or playlist is None:
        return None
    return DaypartConfig(name, start, end, playlist, order == "shuffle")


def _check_coverage(music: Fields, store: StoreConfig, dayparts: list[DaypartConfig]) -> None:
    """Dayparts must cover business hours with no gap and no overlap (B3: music never stops)."""
    at = store.opening  # music is planned up to here
    last: DaypartConfig | None = None  # the daypart that ends last so far
    for part in sorted(dayparts, key=lambda d: d.start):
        if last is not None and part.start < last.end:
            music.problem(
                "daypart",
                "dayparts that do not overlap",
                f'"{part.name}" starting at {_hhmm(part.start)}, '
                f'before "{last.name}" ends at {_hhmm(last.end)}',
                "make each daypart start where the one before it ends",
            )
        elif part.start > at and at < store.closing:
            music.problem(
                "daypart",
                "dayparts covering business hours without gaps",
                f"no music between {_hhmm(at)} and {_hhmm(part.start)}",
                "extend a daypart or add one for that time",
            )
        at = max(at, part.end)
        last = part if last is None or part.end > last.end else last
    if dayparts and at < store.closing:
        music.problem(
            "daypart",
            "dayparts covering business hours without gaps",
            f"no music between {_hhmm(at)} and closing ({_hhmm(store.closing)})",
            "extend the last daypart to closing time",
        )


def _zones(root: Fields) -> list[Zone]:
    zones: list[Zone] = []
    for fields in root.table_list("zones"):
        fields.only(["name", "gain_db"])
        name = fields.text("name")
        gain = fields.number("gain_db", 0.0, -60.0, 20.0) or 0.0
        if name and any(z.name == name for z in zones):
            fields.problem("name", "a zone name used once", f'"{name}" again')
        elif name:
            zones.append(Zone(name, gain))
    return zones


def _hhmm(clock: time) -> str:
    return "24:00" if clock == time.max else clock.strftime("%H:%M")
