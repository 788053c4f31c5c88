"""The vocabulary of mall-pa: frozen values that flow between catalog, engine and drivers.

Times inside the engine are `Instant`s: float seconds since the Unix epoch (UTC), so that
arithmetic is plain addition and a day with a DST change has no special cases. Store-local
wall-clock times only appear at the edges (config, events files, timeline output).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Self
from zoneinfo import ZoneInfo

__all__ = [
    "FALLBACK",
    "AsRunEntry",
    "Campaign",
    "Cancel",
    "Clear",
    "Command",
    "DayPlan",
    "Daypart",
    "EmergencyCall",
    "FixedSlot",
    "Insert",
    "InsertClass",
    "Instant",
    "Item",
    "ItemKind",
    "Page",
    "Recovery",
    "ScheduledCommand",
    "Script",
    "ScriptKind",
    "Separation",
    "Source",
    "Track",
]

Instant = float
"""Seconds since the Unix epoch (UTC)."""


class _Value:
    """A frozen value: copies (deep or not) are the value itself, so that copying an engine
    copies only its mutable state, never the day plan's thousands of tracks."""

    __slots__ = ()

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Self:
        return self


class ScriptKind(enum.StrEnum):
    FIXED = "fixed"
    CAMPAIGN = "campaign"
    EMERGENCY = "emergency"
    ALL_CLEAR = "all-clear"  # aired once after an emergency preset that names it is cleared


class ItemKind(enum.StrEnum):
    """What one timeline entry is."""

    MUSIC = "music"
    INTRO = "intro"
    ANNOUNCEMENT = "announcement"
    OUTRO = "outro"
    EMERGENCY = "emergency"
    SKIPPED = "skipped"


class Source(enum.StrEnum):
    """Why an item aired."""

    PLAYLIST = "playlist"
    OPENING_SONG = "opening_song"
    CLOSING_SONG = "closing_song"
    PAGE = "page"
    FIXED = "fixed"
    CAMPAIGN = "campaign"
    EMERGENCY = "emergency"
    BREAK = "break"  # intro and outro stings


class InsertClass(enum.IntEnum):
    """Insert priority, highest first (lower value wins). Music is the floor."""

    EMERGENCY = 0
    URGENT_PAGE = 1
    PAGE = 2
    FIXED = 3
    CAMPAIGN = 4


@dataclass(frozen=True, slots=True)
class Track(_Value):
    """An audio file: a song, a sting, or a recorded script.

    `duration` is None when the file cannot be played; `problem` then says why. `note`
    says why it airs shorter than the file (dead air cut off), for the timeline. `artist`
    is who the playlist says performs it ("" when it does not say), for artist separation.
    `cue`: seconds of the file before its first sound, which do not air (`duration` counts
    from there).
    """

    path: Path
    title: str
    duration: float | None
    problem: str | None = None
    note: str = ""
    artist: str = ""
    cue: float = 0.0

    @property
    def playable(self) -> bool:
        return self.duration is not None and self.duration > 0


@dataclass(frozen=True, slots=True)
class Script(_Value):
    """One loose-leaf page of the announcement binder (B4-B6), as loaded from its TOML file."""

    id: str
    kind: ScriptKind
    title: str
    text: str
    source_file: Path
    audio: Track | None = None  # what airs: the recording, or (set by the day plan) the speech
    recording: Path | None = None  # a phone recording (m4a, webm, ...) not yet converted
    recorded_by: str = ""  # the trained announcer who recorded it (B7)
    approved_by: str | None = None
    approved_at: date | None = None
    zones: tuple[str, ...] = ()
    # fixed
    slots: tuple[time, ...] = ()
    order: int = 0
    # campaign
    valid_from: date | None = None
    valid_until: date | None = None
    weekdays: frozenset[int] = frozenset()  # ISO weekdays 1..7; empty means every day
    dayparts: tuple[str, ...] = ()  # daypart names or "HH:MM-HH:MM" windows; empty: all day
    every_songs: int | None = None
    every_minutes: float | None = None
    max_per_day: int | None = None
    weight: float = 1.0  # its share against campaigns due at the same break (policy.standing)
    # emergency
    repeat_every_seconds: float = 0.0
    clear_script: str = ""  # the id of the all-clear script aired after the clear, if any
    priority: int = 0  # a higher one preempts a lower one; an equal one waits its turn

    @property
    def approved(self) -> bool:
        """B6: only scripts approved by the planning department ever air."""
        return bool(self.approved_by) and self.approved_at is not None

    def approved_on(self, day: date) -> bool:
        """B6 by date: approved, on or before `day`. A script airs from its approval day on."""
        return self.approved and self.approved_at is not None and self.approved_at <= day


@dataclass(frozen=True, slots=True)
class Separation(_Value):
    """How far apart plays of one song, and of one artist, are kept in shuffle dayparts.

    `songs`: other songs that air before a song airs again (None: half the daypart's
    playable songs); `artists`: other songs before the same artist again (0: off)."""

    songs: int | None = None
    artists: int = 3


@dataclass(frozen=True, slots=True)
class Daypart(_Value):
    """A window of the business day with its own playlist (B3)."""

    start: Instant
    end: Instant
    name: str
    playlist: Path
    tracks: tuple[Track, ...]
    shuffle: bool


@dataclass(frozen=True, slots=True)
class FixedSlot(_Value):
    """One airing of a fixed script: due at `due`, binder position `order`."""

    due: Instant
    script: Script
    duration: float


@dataclass(frozen=True, slots=True)
class Campaign(_Value):
    """A campaign script with its airing windows resolved for one day (B5)."""

    script: Script
    windows: tuple[tuple[Instant, Instant], ...]
    duration: float

    def eligible(self, now: Instant) -> bool:
        return any(start <= now < end for start, end in self.windows)


@dataclass(frozen=True, slots=True)
class Page(_Value):
    """A request to find somebody (B11), already worded."""

    id: str
    kind: str  # customer | staff | lost_child | vehicle
    text: str
    duration: float  # seconds as spoken, all repeats included
    urgent: bool = False
    requested_by: str = ""
    audio: Track | None = None  # the rendered speech or the announcer's recording
    recorded_by: str = ""  # the trained announcer whose voice it is (B7); "" for synthesis


@dataclass(frozen=True, slots=True)
class Insert(_Value):
    """Something waiting to air inside a break, or an emergency message.

    `seq` orders inserts within a class: arrival order for pages, binder order for fixed.
    """

    cls: InsertClass
    source: Source
    ref: str
    title: str
    duration: float
    seq: tuple[float, int, str] = (0.0, 0, "")
    requested_at: Instant | None = None
    due_at: Instant | None = None
    zones: tuple[str, ...] = ()
    audio: Track | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class Item(_Value):
    """One thing to put on air now. `insert` is set for announcements and emergencies."""

    kind: ItemKind
    source: Source
    ref: str
    title: str
    duration: float
    track: Track | None = None
    insert: Insert | None = None


@dataclass(frozen=True, slots=True)
class EmergencyCall(_Value):
    """Command: cut in at once with this emergency script, repeating until cleared."""

    script: Script
    duration: float
    requested_by: str = ""


@dataclass(frozen=True, slots=True)
class Clear(_Value):
    """Command: the emergency `script_id` is over ("": every emergency active)."""

    script_id: str = ""
    requested_by: str = ""


@dataclass(frozen=True, slots=True)
class Cancel(_Value):
    """Command: take a queued page off the queue. A page already on air finishes (B12)."""

    page_id: str
    requested_by: str = ""


@dataclass(frozen=True, slots=True)
class Reschedule(_Value):
    """Command: the scripts library changed (an approval, a file edited by hand): the day's
    fixed slots and campaigns from now on are these (today's plan built again). Slots and
    campaign plays already aired count as aired, as after a restart; the queue takes them
    from the next song boundary. Pages and emergencies are not touched."""

    fixed: tuple[FixedSlot, ...]
    campaigns: tuple[Campaign, ...]


Command = Page | EmergencyCall | Clear | Cancel | Reschedule


@dataclass(frozen=True, slots=True)
class ScheduledCommand(_Value):
    """A command to apply at `at` (from an events file: `line` is where it was written)."""

    at: Instant
    command: Command
    line: int = 0


@dataclass(frozen=True, slots=True)
class AsRunEntry(_Value):
    """One line of the timeline: what aired (or was skipped), when, and why."""

    start: Instant
    end: Instant
    kind: ItemKind
    source: Source
    ref: str
    title: str = ""
    requested_at: Instant | None = None
    due_at: Instant | None = None
    interrupted: bool = False
    reason: str = ""
    zones: tuple[str, ...] = field(default=())

    @property
    def lateness(self) -> float | None:
        """Seconds between when a fixed item was due and when it started."""
        return None if self.due_at is None else self.start - self.due_at


@dataclass(frozen=True, slots=True)
class Recovery(_Value):
    """What the durable log says of the day so far, for an engine started mid-day.

    `aired` is the day's as-run log up to the restart (finished entries, in start order;
    the item that was on air when the process stopped is among them, `interrupted`);
    `pages` are the pages taken and not yet aired, each with the instant it was accepted
    (queue order and an urgent page's deadline come from it); `emergencies` are those active
    at the restart, in the order they were started; `cleared` the day's clears so far, each
    the preset cleared and when, in that order (an all-clear still owed comes from them).
    """

    aired: tuple[AsRunEntry, ...] = ()
    pages: tuple[tuple[Page, Instant], ...] = ()
    emergencies: tuple[EmergencyCall, ...] = ()
    cleared: tuple[tuple[str, Instant], ...] = ()


FALLBACK = "music.fallback"
"""The name of the daypart `DayPlan.fallback` (the list of the config's music.fallback)."""


@dataclass(frozen=True, slots=True)
class DayPlan(_Value):
    """Everything the engine needs to run one business day, resolved to instants (B3)."""

    day: date
    zone: ZoneInfo
    day_start: Instant  # local midnight
    day_end: Instant  # the next local midnight (23 or 25 hours later on a DST day)
    opening: Instant
    closing: Instant
    dayparts: tuple[Daypart, ...]
    intro: Track
    outro: Track
    fixed: tuple[FixedSlot, ...]
    campaigns: tuple[Campaign, ...]
    opening_song: Track | None = None
    closing_song: Track | None = None
    alert: Track | None = None
    all_clears: tuple[tuple[str, Script], ...] = ()  # (emergency preset id, its all-clear)
    max_announcements: int = 3
    urgent_max_wait: float = 45.0
    urgent_fade: float = 2.0
    emergency_fade: float = 0.02
    fixed_early: float = 60.0  # a fixed slot may air this early at a boundary (B4 window)
    calm_after_emergency: float = 600.0  # no campaign this long after an emergency's sound
    campaign_min_gap: float = 0.0  # seconds from one campaign's start to the next's; 0: off
    seed: int = 0
    separation: Separation = Separation()
    fallback: Daypart | None = None  # music.fallback's list, for dayparts with none to play

    def open_at(self, at: Instant) -> bool:
        """Whether the store is open at `at`: from opening, up to (not at) closing."""
        return self.opening <= at < self.closing

    @property
    def closing_target(self) -> Instant:
        """When the closing song should start so that it ends at closing (B16)."""
        song = self.closing_song
        return self.closing - (song.duration or 0.0) if song and song.playable else self.closing
