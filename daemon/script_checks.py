"""What a script sent through the workflow (B6) must be before it is stored: the fields as
the library loader will read them (the config's zones and dayparts, every bound), and what
the days can hold (not ended, not more often than the campaign gap allows). A script with
problems is refused whole with each problem named (`BadFile`), nothing stored.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from daemon.catalog.problems import Problem
from daemon.library import RECORDING, check_script
from daemon.model import Script
from daemon.views import BadFile, ProblemView, Refused

__all__ = ["KINDS", "SCRIPT_ID", "SERVER_KEYS", "checked"]

SCRIPT_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")
"""A script's id: also its file's name in the library."""

SERVER_KEYS = ("approved_by", "approved_at", "audio", "recorded_by")
"""Keys of a script file only the service writes (approval, a recording)."""

KINDS = ("campaign", "fixed")
"""The scripts that go through the workflow (emergency presets are the IT person's)."""


def checked(
    fields: dict[str, Any],
    names: tuple[tuple[str, ...], tuple[str, ...]],
    recordings: Path,
    today: date,
    min_gap_minutes: float,
    refused: str = "没有保存",
) -> tuple[dict[str, Any], Script]:
    """(the fields without empty ones, the script they make) for the config's (zones,
    dayparts) `names`, an `audio` key naming a recording in `recordings`; else Refused (the
    kind or the id) or BadFile (every problem; `refused` says what did not happen)."""
    kind = fields.get("kind")
    if kind not in KINDS:
        raise Refused("bad_kind", "广播稿类型只能是 campaign(活动)或 fixed(定时)。", "kind")
    if not isinstance(fields.get("id"), str) or not SCRIPT_ID.fullmatch(fields["id"]):
        raise Refused("bad_id", "编号只能用小写字母、数字和 -,以字母或数字开头,最多 60 个,"
                      "例如 xmas-draw-2026(它也是广播稿库里的文件名)。", "id")  # fmt: skip
    clean = {k: v for k, v in fields.items() if v not in (None, "", [])}
    for key in ("approved_by", "approved_at"):
        clean.pop(key, None)  # approval sets them
    if "audio" in clean and not RECORDING.fullmatch(str(clean["audio"])):
        clean.pop("audio")  # not a recording the workflow kept: never a path from outside
    script, problems = check_script(clean, *names, recordings)
    if script is not None:
        problems += _day_problems(script, today, min_gap_minutes)
    if problems or script is None:
        shown = tuple(ProblemView(p.where, p.expected, p.found, p.hint) for p in problems)
        raise BadFile("bad_script", f"广播稿有 {len(shown)} 处要改,{refused}。", shown)
    return clean, script


def _day_problems(script: Script, today: date, gap: float) -> list[Problem]:
    """What the days cannot hold: a campaign that has ended, or one more often than two
    campaign announcements may be apart."""
    problems = []
    if script.valid_until is not None and script.valid_until < today:
        problems.append(Problem(Path("script"), "valid_until", f"today ({today}) or later",
                                script.valid_until.isoformat(),
                                "a campaign that has ended cannot air"))  # fmt: skip
    if script.every_minutes is not None and script.every_minutes < gap:
        problems.append(Problem(
            Path("script"), "every_minutes", f"at least {gap:g} (minutes)",
            f"{script.every_minutes:g}", f"two campaign announcements are at least {gap:g} "
            "minutes apart ([breaks] campaign_min_gap_minutes): the day cannot hold more",
        ))  # fmt: skip
    return problems
