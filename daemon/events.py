"""The typed event stream out of the playing side.

The engine appends events as things happen on its clock: an item started, an item left
the air (aired in full, cut, or skipped: one `ItemEnded` per as-run entry), a page changed
state, an emergency started or was cleared, a command was applied. Drivers drain them
(`Engine.drain()`); the live driver hands them to a thread of their own, off the audio
thread, whose subscribers are the JSON-lines timeline, the store, the server-sent events,
the ON AIR light, the terminal and the watchdog. Events are frozen values; `at` is the
instant on the audio clock (the frame where it happened), never a wall-clock reading.
"""

from __future__ import annotations

from dataclasses import dataclass

from daemon.model import AsRunEntry, Command, Instant, Item

__all__ = [
    "CommandApplied",
    "EmergencyChanged",
    "Event",
    "ItemEnded",
    "ItemStarted",
    "PageChanged",
]


@dataclass(frozen=True, slots=True)
class ItemStarted:
    """`item` went on air at `at`; it ends at `at + item.duration` unless cut."""

    at: Instant
    item: Item


@dataclass(frozen=True, slots=True)
class ItemEnded:
    """An as-run entry is complete: aired (maybe `interrupted`) or skipped."""

    entry: AsRunEntry


@dataclass(frozen=True, slots=True)
class PageChanged:
    """A page's state: queued, on_air, aired, cancelled or skipped (`reason` says why)."""

    at: Instant
    page_id: str
    state: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class EmergencyChanged:
    """An emergency started (`active`) or was cleared."""

    at: Instant
    active: bool
    script_id: str
    title: str


@dataclass(frozen=True, slots=True)
class CommandApplied:
    """The engine took `command` at `at`; `accepted` False says why not in `reason`."""

    at: Instant
    command: Command
    accepted: bool = True
    reason: str = ""


Event = ItemStarted | ItemEnded | PageChanged | EmergencyChanged | CommandApplied
