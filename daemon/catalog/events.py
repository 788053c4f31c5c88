"""A "what if" events file for the simulation: JSON lines of pages and emergencies.

    {"at": "10:15:00", "type": "page", "kind": "customer", "name": "张", "honorific": "先生", "place": "一楼服务台"}
    {"at": "15:02:00", "type": "emergency", "script": "fire-evacuation"}
    {"at": "15:06:30", "type": "emergency_clear", "script": "fire-evacuation"}

A loader only: `read_events` parses and checks the file into plain requests (`PageLine`,
`EmergencyLine`, `ClearLine`, each with its instant and line number) in time order, or raises
`InputError` naming every bad line: where, what was expected, what was found, what to do.
It renders no speech and decodes no recording; `daemon.what_if` turns the requests into
commands. `parse_events` gives the good lines and the problems by line, for a caller that
adds problems of its own (a page the wording rules refuse) before reporting them all.
Times are store-local wall-clock times on the simulated day.
"""  # noqa: E501

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from daemon.catalog.fields import Fields, describe, read_text
from daemon.catalog.problems import InputError, Problem
from daemon.model import Instant
from daemon.recurrence import local_instant
from daemon.speech.wording import PAGE_KINDS, PageRequest

__all__ = [
    "ClearLine",
    "EmergencyLine",
    "EventLine",
    "PageLine",
    "parse_events",
    "read_events",
]

_WORDING_KEYS = ("name", "honorific", "place", "plate", "note")  # fields of a PageRequest
_PAGE_KEYS = ["at", "type", "id", "kind", *_WORDING_KEYS, "urgent", "recording", "recorded_by"]


@dataclass(frozen=True, slots=True)
class PageLine:
    """A page as the file asks for it: not yet worded, rendered or checked by B11."""

    at: Instant
    line: int
    request: PageRequest
    id: str  # the line's "id", else "page-<line>"
    urgent: bool | None  # None: the kind's default (a lost child is urgent)
    recording: Path | None  # the announcer's own recording (B7), not yet decoded
    recorded_by: str


@dataclass(frozen=True, slots=True)
class EmergencyLine:
    """An emergency call naming an emergency script by id."""

    at: Instant
    line: int
    script: str


@dataclass(frozen=True, slots=True)
class ClearLine:
    """The clear of the emergency `script` ("": of every one active)."""

    at: Instant
    line: int
    script: str = ""


EventLine = PageLine | EmergencyLine | ClearLine


def read_events(
    path: Path, day: date, zone: ZoneInfo, scripts: Collection[str] | None = None
) -> list[EventLine]:
    """The file's requests in time order, or InputError listing every bad line.

    With `scripts`, an emergency must name one of them (the approved emergency scripts)."""
    lines, problems = parse_events(path, day, zone, scripts)
    if problems:
        raise InputError([p for number in sorted(problems) for p in problems[number]])
    return lines


def parse_events(
    path: Path, day: date, zone: ZoneInfo, scripts: Collection[str] | None = None
) -> tuple[list[EventLine], dict[int, list[Problem]]]:
    """(the good lines in time order, the problems of the bad ones by line number).

    A file that cannot be read at all still raises InputError."""
    path = Path(path)
    text = read_text(path, "an events file (JSON lines)", "check the path")
    problems: dict[int, list[Problem]] = {}
    lines: list[EventLine] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        found: list[Problem] = []
        event = _line(path, number, line, day, zone, scripts, found)
        if found:
            problems[number] = found
        elif event is not None:
            lines.append(event)
    return sorted(lines, key=lambda e: (e.at, e.line)), problems


def _line(
    path: Path,
    number: int,
    line: str,
    day: date,
    zone: ZoneInfo,
    scripts: Collection[str] | None,
    problems: list[Problem],
) -> EventLine | None:
    """One line's request; its problems go to `problems`."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError as err:
        problems.append(
            Problem(
                path,
                f"line {number}",
                "one JSON object per line",
                f"invalid JSON ({err.msg} at column {err.colno})",
                'write each line as {"key": "value", ...} with double quotes',
            )
        )
        return None
    if not isinstance(value, dict):
        problems.append(Problem(path, f"line {number}", "a JSON object {...}", describe(value)))
        return None
    fields = Fields(path, value, f"line {number}", problems, json=True)
    kind = fields.choice("type", ["page", "emergency", "emergency_clear"], "", required=True)
    make: Callable[[Instant], EventLine] | None = None
    if kind == "emergency_clear":
        script = _emergency(fields, scripts, required=False)
        make = None if script is None else partial(ClearLine, line=number, script=script)
    elif kind == "emergency":
        script = _emergency(fields, scripts)
        make = None if script is None else partial(EmergencyLine, line=number, script=script)
    elif kind == "page":
        make = _page(fields, number)
    clock = fields.clock("at")  # checked last, as ever: its problem follows the others
    if make is None or clock is None:
        return None
    return make(local_instant(day, clock, zone))


def _emergency(f: Fields, scripts: Collection[str] | None, required: bool = True) -> str | None:
    """The script id the line names; with `scripts`, one of them. A clear may name none
    (""): it clears every emergency active."""
    f.only(["at", "type", "script"])
    script_id = f.text("script", required=required, default=None if required else "")
    if not script_id:
        return script_id
    if scripts is not None and script_id not in scripts:
        known = ", ".join(sorted(scripts)) or "none"
        f.problem(
            "script",
            f"an approved emergency script ({known})",
            f'"{script_id}"',
            'an emergency script has kind = "emergency", approved_by and approved_at',
        )
        return None
    return script_id


def _page(f: Fields, number: int) -> Callable[[Instant], PageLine] | None:
    """The page's request, waiting for its instant; None if the line is wrong."""
    f.only(_PAGE_KEYS)
    kind = f.choice("kind", PAGE_KINDS, "customer")
    values = {k: f.text(k, required=False, default="") or "" for k in _WORDING_KEYS}
    urgent = f.table.get("urgent")
    if "urgent" in f.table and not isinstance(urgent, bool):
        f.problem("urgent", "true or false", describe(urgent), "write true or false, no quotes")
        return None
    recording = f.path("recording", f.file.parent, required=False)
    if recording is not None and "recorded_by" not in f.table:
        f.missing("recorded_by", "the trained announcer who recorded it (B7)")
        return None
    page_id = f.text("id", required=False) or f"page-{number}"
    recorded_by = f.text("recorded_by", required=False, default="") or ""
    request = PageRequest(kind, **values)
    return partial(PageLine, line=number, request=request, id=page_id, urgent=urgent,
                   recording=recording, recorded_by=recorded_by)  # fmt: skip
