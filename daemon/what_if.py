"""What if: an events file's requests turned into the commands a driver plays.

`mall-pa simulate --events` and `mall-pa render --events` play these. The file is read by
the loader (`daemon.catalog.events`); here each page goes through `daemon.paging.make_page`
(the one way a request becomes a Page: wording B11, speech, measurement), an announcer's
recording through `decode_recording_file` (B7), an emergency through the approved presets
(`daemon.dayplan.emergency_presets`). A page the wording rules refuse or a recording that
cannot air is a problem on its line of the events file: `commands` reports them together
with the file's own problems, in line order, as one `InputError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from daemon.catalog.events import ClearLine, EmergencyLine, EventLine, PageLine, parse_events
from daemon.catalog.fields import describe
from daemon.catalog.problems import InputError, Problem
from daemon.dayplan import script_duration
from daemon.model import Clear, Command, EmergencyCall, Page, ScheduledCommand, Script
from daemon.paging import Measure, make_page
from daemon.speech.recording import RecordingRefused, decode_recording_file
from daemon.speech.speaker import Speaker
from daemon.speech.wording import PageRefused

__all__ = ["REQUESTED_BY", "build", "commands"]

REQUESTED_BY = "events file"  # who asked, in the as-run log


def commands(
    path: Path,
    day: date,
    zone: ZoneInfo,
    presets: Mapping[str, Script],
    speaker: Speaker,
    *,
    measure: Measure | None = None,
) -> list[ScheduledCommand]:
    """The events file's commands in time order, or InputError naming every bad line.

    `presets` are the approved emergency scripts, ready to air, by id: the only ones an
    emergency line may name. Pages are rendered by `speaker`, then passed to `measure`
    (the media cache's `analysis`) so the audio thread never has to measure them."""
    path = Path(path)
    lines, problems = parse_events(path, day, zone, presets)
    built, refused = build(path, lines, presets, speaker, measure=measure)
    for number, found in refused.items():
        problems.setdefault(number, []).extend(found)
    if problems:
        raise InputError([p for number in sorted(problems) for p in problems[number]])
    return built


def build(
    path: Path,
    lines: list[EventLine],
    presets: Mapping[str, Script],
    speaker: Speaker,
    *,
    measure: Measure | None = None,
) -> tuple[list[ScheduledCommand], dict[int, list[Problem]]]:
    """(the commands of the lines that can air, in the lines' order; the problems of the
    others by line number, naming `path`, the events file they came from).

    Every emergency line must name one of `presets` (the loader checks it)."""
    built: list[ScheduledCommand] = []
    problems: dict[int, list[Problem]] = {}
    for event in lines:
        command = _command(path, event, presets, speaker, measure)
        if isinstance(command, Problem):
            problems.setdefault(event.line, []).append(command)
        else:
            built.append(ScheduledCommand(event.at, command, event.line))
    return built, problems


def _command(
    path: Path,
    event: EventLine,
    presets: Mapping[str, Script],
    speaker: Speaker,
    measure: Measure | None,
) -> Command | Problem:
    if isinstance(event, ClearLine):
        return Clear(event.script, requested_by=REQUESTED_BY)
    if isinstance(event, EmergencyLine):
        script = presets[event.script]
        return EmergencyCall(script, script_duration(script), requested_by=REQUESTED_BY)
    return _page(path, event, speaker, measure)


def _page(path: Path, event: PageLine, speaker: Speaker, measure: Measure | None) -> Page | Problem:
    """The page ready to air, or the problem on its line."""
    where = f"line {event.line}"
    recording = None
    if event.recording is not None:
        try:
            recording = decode_recording_file(event.recording)
        except RecordingRefused as refusal:
            found = f"{event.recording}: {refusal.message}"
            return Problem(path, f"{where}.recording", "a usable recording", found, refusal.code)
    try:
        return make_page(
            speaker,
            event.request,
            event.id,
            urgent=event.urgent,
            requested_by=REQUESTED_BY,
            recording=recording,
            recorded_by=event.recorded_by,
            measure=measure,
        )
    except PageRefused as refusal:
        value = getattr(event.request, refusal.field, "")
        found = describe(value) if value else "nothing (the key is missing)"
        expected = f"a page the wording rules allow ({refusal.code})"
        return Problem(path, f"{where}.{refusal.field}", expected, found, refusal.message)
