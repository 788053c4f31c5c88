"""A "what if" events file for the simulation: JSON lines of pages and emergencies.

    {"at": "10:15:00", "type": "page", "kind": "customer", "name": "张", "honorific": "先生", "place": "一楼服务台"}
    {"at": "15:02:00", "type": "emergency", "script": "fire-evacuation"}
    {"at": "15:06:30", "type": "emergency_clear"}

`load_events` returns the commands in time order, or raises `InputError` naming every bad
line and what is wrong with it. Times are store-local wall-clock times on the simulated day.
"""  # noqa: E501

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from daemon.catalog.fields import Fields, describe, read_text
from daemon.catalog.problems import InputError, Problem
from daemon.dayplan import script_duration
from daemon.model import Clear, Command, EmergencyCall, Page, ScheduledCommand, Script
from daemon.recurrence import local_instant
from daemon.speech.estimate import speech_seconds
from daemon.speech.paging import PAGE_KINDS, word_page

__all__ = ["PAGE_REPEAT", "load_events"]

PAGE_REPEAT = 2  # a page is read twice
_PAGE_KEYS = ["at", "type", "id", "kind", "name", "honorific", "place", "plate", "note", "urgent"]


def load_events(
    path: Path, day: date, zone: ZoneInfo, emergencies: dict[str, Script]
) -> list[ScheduledCommand]:
    path = Path(path)
    text = read_text(path, "an events file (JSON lines)", "check the path")
    problems: list[Problem] = []
    commands: list[ScheduledCommand] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
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
            continue
        if not isinstance(value, dict):
            problems.append(Problem(path, f"line {number}", "a JSON object {...}", describe(value)))
            continue
        fields = Fields(path, value, f"line {number}", problems, json=True)
        command = _command(fields, emergencies, number)
        clock = fields.clock("at")
        if command is not None and clock is not None:
            commands.append(ScheduledCommand(local_instant(day, clock, zone), command, number))
    if problems:
        raise InputError(problems)
    return sorted(commands, key=lambda c: (c.at, c.line))


def _command(f: Fields, emergencies: dict[str, Script], line: int) -> Command | None:
    kind = f.choice("type", ["page", "emergency", "emergency_clear"], "", required=True)
    if kind == "emergency_clear":
        f.only(["at", "type"])
        return Clear(requested_by="events file")
    if kind == "emergency":
        f.only(["at", "type", "script"])
        script_id = f.text("script")
        if script_id is None:
            return None
        if script_id not in emergencies:
            known = ", ".join(sorted(emergencies)) or "none"
            f.problem(
                "script",
                f"an approved emergency script ({known})",
                f'"{script_id}"',
                'an emergency script has kind = "emergency", approved_by and approved_at',
            )
            return None
        script = emergencies[script_id]
        return EmergencyCall(script, script_duration(script), requested_by="events file")
    if kind == "page":
        return _page(f, line)
    return None


def _page(f: Fields, line: int) -> Page | None:
    f.only(_PAGE_KEYS)
    kind = f.choice("kind", PAGE_KINDS, "customer")
    if f.table.get("kind", kind) != kind:  # unknown kind, reported: what else it needs is unknown
        f.text("place")
        return None
    needs_name = kind in ("customer", "staff", "lost_child")
    name = f.text("name", required=needs_name, default="")
    if kind in ("customer", "staff") and "honorific" not in f.table:
        f.missing("honorific", '"先生" or "小姐" (B11)', 'add "honorific": "先生" or "小姐"')
    honorific = f.text("honorific", required=False, default="")
    plate = f.text("plate", required=kind == "vehicle", default="")
    place = f.text("place")
    note = f.text("note", required=False, default="")
    urgent = f.table.get("urgent", kind == "lost_child")
    if not isinstance(urgent, bool):
        f.problem("urgent", "true or false", describe(urgent), "write true or false, no quotes")
        return None
    if place is None or (needs_name and not name) or (kind == "vehicle" and not plate):
        return None
    text = word_page(
        kind,
        name=name or "",
        honorific=honorific or "",
        place=place,
        plate=plate or "",
        note=note or "",
    )
    page_id = f.text("id", required=False) or f"page-{line}"
    return Page(page_id, kind, text, speech_seconds(text, PAGE_REPEAT), urgent, "events file")
