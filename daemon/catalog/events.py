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
from daemon.model import Clear, Command, EmergencyCall, Page, ScheduledCommand, Script, Track
from daemon.recurrence import local_instant
from daemon.speech.audio import Audio
from daemon.speech.recording import RecordingRefused, decode_recording_file
from daemon.speech.speaker import Speaker
from daemon.speech.wording import PAGE_KINDS, PageRefused, PageRequest

__all__ = ["load_events"]

_WORDING_KEYS = ("name", "honorific", "place", "plate", "note")  # fields of a PageRequest
_PAGE_KEYS = ["at", "type", "id", "kind", *_WORDING_KEYS, "urgent", "recording", "recorded_by"]


def load_events(
    path: Path, day: date, zone: ZoneInfo, emergencies: dict[str, Script], speaker: Speaker
) -> list[ScheduledCommand]:
    """The file's commands in time order. Pages are worded and rendered by `speaker`; a page
    the wording rules refuse (B11) is a problem on its line."""
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
        command = _command(fields, emergencies, number, speaker)
        clock = fields.clock("at")
        if command is not None and clock is not None:
            commands.append(ScheduledCommand(local_instant(day, clock, zone), command, number))
    if problems:
        raise InputError(problems)
    return sorted(commands, key=lambda c: (c.at, c.line))


def _command(
    f: Fields, emergencies: dict[str, Script], line: int, speaker: Speaker
) -> Command | None:
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
        return _page(f, line, speaker)
    return None


def _page(f: Fields, line: int, speaker: Speaker) -> Page | None:
    f.only(_PAGE_KEYS)
    kind = f.choice("kind", PAGE_KINDS, "customer")
    values = {k: f.text(k, required=False, default="") or "" for k in _WORDING_KEYS}
    urgent = f.table.get("urgent", kind == "lost_child")
    if not isinstance(urgent, bool):
        f.problem("urgent", "true or false", describe(urgent), "write true or false, no quotes")
        return None
    usable, recording = _recording(f)
    if f.table.get("kind", kind) != kind or not usable:  # already reported
        return None
    try:
        rendered = speaker.page(PageRequest(kind, **values), recording)
    except PageRefused as refusal:
        value = f.table.get(refusal.field)
        found = "nothing (the key is missing)" if value is None else describe(value)
        f.problem(refusal.field, f"a page the wording rules allow ({refusal.code})", found,
                  refusal.message)  # fmt: skip
        return None
    page_id = f.text("id", required=False) or f"page-{line}"
    audio = Track(rendered.path, rendered.text, rendered.duration)
    recorded_by = f.text("recorded_by", required=False, default="") or ""
    return Page(
        page_id, kind, rendered.text, rendered.duration, urgent, "events file", audio, recorded_by
    )


def _recording(f: Fields) -> tuple[bool, Audio | None]:
    """(usable, the announcer's recording of the page or None); unusable ones are reported."""
    path = f.path("recording", f.file.parent, required=False)
    if path is None:
        return True, None
    if "recorded_by" not in f.table:
        f.missing("recorded_by", "the trained announcer who recorded it (B7)")
        return False, None
    try:
        return True, decode_recording_file(path)
    except RecordingRefused as refusal:
        f.problem("recording", "a usable recording", f"{path}: {refusal.message}", refusal.code)
        return False, None
