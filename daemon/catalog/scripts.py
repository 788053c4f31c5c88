"""The scripts library: one TOML file per script (the loose-leaf binder of B4-B6).

`load_scripts(folder, ...)` returns every script, approved or not (the day plan airs only
approved ones; `check` lists the rest), or raises `InputError` with every problem of every
file, so the planner can fix them all in one go. An emergency preset may name the all-clear
script that airs after its clear (`clear_script`, the id of a script of kind "all-clear"),
and carries a `priority` from 1 to 9 (default 5): a higher one preempts a lower one. A
campaign's `weight` (0.1 to 10, default 1) is its share of the plays when campaigns due at
the same break cannot all air (`daemon.policy.standing`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import time
from pathlib import Path

from daemon.catalog.fields import Fields, describe, read_toml
from daemon.catalog.problems import InputError, Problem
from daemon.model import Script, ScriptKind, Track
from daemon.recurrence import parse_window, weekday_names
from daemon.speech.recording import RecordingRefused, decode_recording_file

__all__ = ["load_scripts"]

_COMMON = [
    "id", "kind", "title", "text", "audio", "recorded_by", "approved_by", "approved_at", "zones",
]  # fmt: skip
_BY_KIND = {
    ScriptKind.FIXED: ["slots", "order"],
    ScriptKind.CAMPAIGN: [
        "valid_from",
        "valid_until",
        "weekdays",
        "dayparts",
        "every_songs",
        "every_minutes",
        "max_per_day",
        "weight",
        "order",
    ],
    ScriptKind.EMERGENCY: ["repeat_every_seconds", "clear_script", "priority"],
    ScriptKind.ALL_CLEAR: [],
}
MAX_PRIORITY = 9  # an emergency's priority: 1 (lowest) to 9; a higher one preempts a lower
DEFAULT_PRIORITY = 5
MAX_REPEAT_SECONDS = 600.0  # an emergency message at least every ten minutes
MAX_EVERY_SONGS = 100  # a campaign at least every 100 songs
MAX_EVERY_MINUTES = 24 * 60.0
MAX_PER_DAY = 1000
MIN_WEIGHT, MAX_WEIGHT = 0.1, 10.0  # a campaign's share against others due at the same break
MAX_ORDER = 10_000  # a fixed script's place in the binder
MAX_TEXT = 1000  # characters of a script's text: over two minutes spoken (the limit, 120 s)


def load_scripts(
    folder: Path,
    probe: Callable[[Path], Track],
    zones: Iterable[str] = (),
    dayparts: Iterable[str] = (),
) -> list[Script]:
    """Load every `*.toml` in `folder` (`.TOML` too; sorted by name). `probe` measures
    recorded audio.

    `zones` and `dayparts` are the names the config defines; scripts may only refer to those.
    """
    if not folder.is_dir():
        raise InputError(
            [
                Problem(
                    folder,
                    "",
                    "the scripts library folder",
                    "no such folder",
                    "check [library] scripts in the config",
                )
            ]
        )
    problems: list[Problem] = []
    scripts: list[Script] = []
    seen: dict[str, Path] = {}
    for file in sorted(f for f in folder.iterdir() if f.suffix.lower() == ".toml"):
        try:
            table = read_toml(file, "script")
        except InputError as err:
            problems.extend(err.problems)
            continue
        script = _script(Fields(file, table, "", problems), probe, set(zones), set(dayparts))
        if script is None:
            continue
        if script.id in seen:
            problems.append(
                Problem(
                    file,
                    "id",
                    "an id no other script uses",
                    f'"{script.id}", also used by {seen[script.id].name}',
                    "give each script its own id",
                )
            )
            continue
        seen[script.id] = file
        scripts.append(script)
    _check_clear_scripts(scripts, problems)
    if problems:
        raise InputError(problems)
    return scripts


def _script(
    f: Fields, probe: Callable[[Path], Track], zones: set[str], dayparts: set[str]
) -> Script | None:
    kind_name = f.choice("kind", [k.value for k in ScriptKind], "", required=True)
    if not kind_name:
        f.only(_COMMON + [k for keys in _BY_KIND.values() for k in keys])
        return None
    kind = ScriptKind(kind_name)
    own = _BY_KIND[kind]
    for key in f.table:
        if key not in _COMMON and key not in own and any(key in keys for keys in _BY_KIND.values()):
            f.problem(
                key,
                f"only keys a {kind} script uses",
                f'"{key}"',
                f"{key} belongs to another kind of script; remove it or change kind",
            )
    f.only(_COMMON + [k for keys in _BY_KIND.values() for k in keys])

    script_id, title = f.text("id"), f.text("title")
    audio_path = f.path("audio", f.file.parent, required=False)
    if audio_path is None and "text" not in f.table:
        f.missing(
            "text",
            "the text to read, or an audio recording",
            'add text = "..." or audio = "recording.mp3"',
        )
    text = f.text("text", required=False, default="")
    if text and len(text) > MAX_TEXT:
        f.problem(
            "text", f"a text of at most {MAX_TEXT} characters", f"{len(text)} characters",
            "an announcement airs for at most 2 minutes: shorten it, or split it in two",
        )  # fmt: skip
        text = text[:MAX_TEXT]
    audio = probe(audio_path) if audio_path else None
    recording = None
    if audio_path is not None and audio is not None and not audio.playable:
        audio, recording = None, audio_path
        try:  # a phone recording (m4a, webm, opus, ...): converted when the day is planned
            decode_recording_file(audio_path)
        except RecordingRefused as refusal:
            f.problem(
                "audio",
                "a playable recording (mp3, ogg, flac, wav, m4a, webm, ...)",
                f"{audio_path}: {refusal.message}",
                "record it again or remove the audio key",
            )
    recorded_by = f.text("recorded_by", required=False, default="") or ""
    if audio_path is not None and "recorded_by" not in f.table:
        f.missing(
            "recorded_by",
            "the trained announcer who recorded it (B7)",
            'add recorded_by = "服务台 陈静" (only trained announcers may record)',
        )
    script_zones = f.texts("zones")
    for zone in script_zones:
        if zones and zone not in zones:
            f.problem("zones", f"zones from the config ({', '.join(sorted(zones))})", f'"{zone}"')
    approved_by = f.text("approved_by", required=False)
    approved_at = f.day("approved_at")
    if (approved_by is None) != (approved_at is None):
        given, missing = ("approved_by", "approved_at")[:: 1 if approved_at is None else -1]
        f.problem(
            missing,
            "approved_by and approved_at together",
            f"{given} without {missing}",
            "approval (B6) records who approved the script and when",
        )
    if script_id is None or title is None:
        return None
    base = Script(
        id=script_id,
        kind=kind,
        title=title,
        text=text or "",
        source_file=f.file,
        audio=audio,
        recording=recording,
        recorded_by=recorded_by,
        approved_by=approved_by,
        approved_at=approved_at,
        zones=script_zones,
    )
    if kind is ScriptKind.FIXED:
        return _fixed(f, base)
    if kind is ScriptKind.CAMPAIGN:
        return _campaign(f, base, dayparts)
    if kind is ScriptKind.EMERGENCY:
        return _emergency(f, base)
    return base


def _emergency(f: Fields, base: Script) -> Script:
    # seconds from one message's start to the next; the alert tone fills the wait
    repeat = f.number("repeat_every_seconds", 30.0, 0, MAX_REPEAT_SECONDS)
    clear = f.text("clear_script", required=False, default="") or ""
    priority = f.integer("priority", DEFAULT_PRIORITY, 1, MAX_PRIORITY) or DEFAULT_PRIORITY
    return replace(base, repeat_every_seconds=repeat or 0.0, clear_script=clear, priority=priority)


def _check_clear_scripts(scripts: list[Script], problems: list[Problem]) -> None:
    """Each emergency's `clear_script` names a script of kind "all-clear"."""
    clears = {s.id: s for s in scripts if s.kind is ScriptKind.ALL_CLEAR}
    known = ", ".join(sorted(clears)) or "none yet"
    for script in scripts:
        if script.kind is not ScriptKind.EMERGENCY or not script.clear_script:
            continue
        if script.clear_script not in clears:
            other = next((s for s in scripts if s.id == script.clear_script), None)
            found = f'"{script.clear_script}"' + (
                f", a {other.kind} script" if other is not None else ", no such script"
            )
            problems.append(
                Problem(
                    script.source_file,
                    "clear_script",
                    f'the id of a script of kind "all-clear" ({known})',
                    found,
                    'add a script with kind = "all-clear" and that id, or remove clear_script',
                )
            )


def _fixed(f: Fields, base: Script) -> Script:
    times = f.texts("slots", 'a list of times like ["10:30", "15:30"]')
    slots = [f.clock_value("slots", v) for v in times]
    first: dict[time, str] = {}
    for typed, slot in zip(times, slots, strict=True):
        if slot is None:
            continue
        if slot in first:
            earlier = first[slot]
            same = (
                f'"{typed}" twice' if typed == earlier else f'"{earlier}" and "{typed}", one time'
            )
            f.problem(
                "slots",
                "each time once",
                same,
                "remove the repeated time: a fixed script airs once at each of its slots (B4)",
            )
        first.setdefault(slot, typed)
    if not f.table.get("slots"):
        f.problem(
            "slots",
            'one or more times, like slots = ["10:30", "15:30"]',
            "none",
            "a fixed script airs at its slot times (B4)",
        )
    return replace(
        base,
        slots=tuple(sorted(s for s in slots if s)),
        order=f.integer("order", 0, 0, MAX_ORDER) or 0,
    )


def _campaign(f: Fields, base: Script, dayparts: set[str]) -> Script:
    valid_from, valid_until = f.day("valid_from"), f.day("valid_until")
    if valid_from and valid_until and valid_until < valid_from:
        f.problem("valid_until", f"a date on or after valid_from ({valid_from})", str(valid_until))
    weekdays: set[int] = set()
    for value in f.table.get("weekdays", []) if isinstance(f.table.get("weekdays"), list) else []:
        day = value if isinstance(value, int) else weekday_names.get(str(value).strip().lower())
        if isinstance(day, int) and not isinstance(day, bool) and 1 <= day <= 7:
            weekdays.add(day)
        else:
            f.problem(
                "weekdays", 'weekdays as 1-7 (Monday = 1) or names like "sat"', describe(value)
            )
    if "weekdays" in f.table and not isinstance(f.table["weekdays"], list):
        f.problem("weekdays", 'a list like ["sat", "sun"]', describe(f.table["weekdays"]))
    parts = f.texts("dayparts")
    for part in parts:
        if part not in dayparts and parse_window(part) is None:
            known = ", ".join(sorted(dayparts)) or "none are named"
            f.problem(
                "dayparts", f'daypart names ({known}) or windows like "10:00-14:00"', f'"{part}"'
            )
    every_songs = f.integer("every_songs", None, 1, MAX_EVERY_SONGS)
    every_minutes = f.number("every_minutes", None, 1.0, MAX_EVERY_MINUTES)
    if (every_songs is None) == (every_minutes is None):
        both = every_songs is not None
        f.problem(
            "every_songs",
            "exactly one of every_songs or every_minutes",
            "both" if both else "neither",
            "remove one of them" if both else "say how often the campaign airs (B5)",
        )
    return replace(
        base,
        valid_from=valid_from,
        valid_until=valid_until,
        weekdays=frozenset(weekdays),
        dayparts=parts,
        every_songs=every_songs,
        every_minutes=every_minutes,
        max_per_day=f.integer("max_per_day", None, 1, MAX_PER_DAY),
        weight=f.number("weight", 1.0, MIN_WEIGHT, MAX_WEIGHT) or 1.0,
        order=f.integer("order", 0, 0, MAX_ORDER) or 0,
    )
