"""Approval by date (B6): a script airs only on days on or after its `approved_at`.

An approval records when planning approved a script, so an `approved_at` after the day being
planned is most likely a typo. The day plan holds such a script back and says so in a note
(`note`); `mall-pa check` reports it as a failure naming the file and the field (`problem`).
Emergency presets are never held back by a date (an evacuation order must be able to air),
but `check` names a wrong date on them just the same.
"""

from __future__ import annotations

from datetime import date

from daemon.catalog.problems import Problem
from daemon.model import Script, ScriptKind

__all__ = ["approved_later", "note", "problem"]


def approved_later(script: Script, day: date) -> bool:
    """Approved, but with an approval date after `day`."""
    return script.approved and not script.approved_on(day)


def note(script: Script, day: date) -> str:
    """The day plan's note for a script `approved_later` than `day`."""
    when = script.approved_at
    return f"{script.id}: approved_at {when} is after {day}, will not air before then (B6)"


def problem(script: Script, day: date) -> Problem:
    """What `check` says of a script `approved_later` than `day`: what, where, what to do."""
    if script.kind is ScriptKind.EMERGENCY:
        effect = f"{script.id} stays an emergency preset, but the date is wrong"
    else:
        effect = f"{script.id} does not air before then"
    later = (
        " (to start a campaign later, set valid_from)" if script.kind is ScriptKind.CAMPAIGN else ""
    )
    return Problem(
        script.source_file,
        "approved_at",
        f"a date on or before {day}, the day checked (it records when planning approved "
        "the script, B6)",
        f"{script.approved_at}: {effect}",
        "an approval dated in the future is most likely a typo: set approved_at to the day "
        "planning approved it; if planning has not approved it yet, remove approved_by and "
        f"approved_at until they do{later}",
    )
