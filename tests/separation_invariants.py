"""Song separation read off a whole day's timeline (issue 11, item 5); part of `violations`.

Every song start counts (playlist, opening and closing songs, cut or not), as on air:

- never the same song twice in a row while the daypart has two songs or more (the closing
  song aired again after a page cut it is the same item, not a repeat);
- in a shuffle daypart no playlist song airs within its separation window of its last play
  (a daypart with nothing playable borrows a list: that list's window and songs then),
  unless no song of the daypart had rested that long (then the list is too short for the
  setting, and the engine takes the longest-rested one);
- the closing song's file does not air from a playlist within its hold-back before the
  closing song, unless the daypart has no two other songs.
"""

from __future__ import annotations

from collections.abc import Sequence

from daemon.model import AsRunEntry, Daypart, DayPlan, ItemKind, Source
from daemon.music import hold_seconds
from daemon.separation import Rules

__all__ = ["separation_violations"]


def separation_violations(plan: DayPlan, aired: Sequence[AsRunEntry]) -> list[str]:
    songs = [e for e in aired if e.kind is ItemKind.MUSIC]
    lists = [*plan.dayparts, *([plan.fallback] if plan.fallback else [])]
    parts = {p: Rules.of(p.tracks, plan.separation) for p in lists}
    refs = {p: {str(t.path) for t in p.tracks if t.playable} for p in lists}
    holds = {p: hold_seconds(p.tracks, rules) for p, rules in parts.items()}
    closing = plan.closing_song
    closing_ref = str(closing.path) if closing is not None and closing.playable else None
    last: dict[str, int] = {}
    found: list[str] = []
    for k, entry in enumerate(songs):
        part = _part_at(plan.dayparts, entry.start)
        if part is None:
            continue
        if entry.source is Source.PLAYLIST and entry.ref not in refs[part]:  # a borrowed list
            part = next((p for p in lists if entry.ref in refs[p]), part)
        mine, rules = refs[part], parts[part]
        held = closing_ref if plan.closing_target - entry.start < holds[part] else None
        others = len(mine - {closing_ref})
        before = songs[k - 1] if k else None
        if before is not None and before.ref == entry.ref and len(mine) >= 2:
            replay = before.source is entry.source is Source.CLOSING_SONG and before.interrupted
            forced = entry.source is Source.CLOSING_SONG and others <= 1
            if not (replay or forced):
                found.append(f"{_t(entry)} aired twice in a row")
        if entry.source is Source.PLAYLIST:
            if entry.ref == held and others >= 2:
                ahead = (plan.closing_target - entry.start) / 60
                found.append(f"{_t(entry)}: the closing song's file, {ahead:.0f} min before it")
            gap = k - 1 - last[entry.ref] if entry.ref in last else rules.songs
            if part.shuffle and gap < rules.songs:
                rested = [
                    r
                    for r in mine
                    if r != held and (r not in last or k - 1 - last[r] >= rules.songs)
                ]
                if rested:
                    found.append(
                        f"{_t(entry)} again after {gap} other songs (separation {rules.songs}), "
                        f"while {len(rested)} songs had rested"
                    )
        last[entry.ref] = k
    return found


def _part_at(parts: Sequence[Daypart], at: float) -> Daypart | None:
    """The daypart whose music airs at `at` (the first before it starts, the last after)."""
    if not parts:
        return None
    for part in parts:
        if part.start <= at < part.end:
            return part
    return parts[0] if at < parts[0].start else parts[-1]


def _t(entry: AsRunEntry) -> str:
    return f"{entry.kind.value} {entry.ref!r} at {entry.start:.3f}"
