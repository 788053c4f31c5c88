"""The timeline (as-run log) as JSON lines or as a table for the desk, and its punctuality."""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from daemon.model import AsRunEntry, ItemKind, Source
from daemon.recurrence import format_local, to_local

__all__ = ["JsonlFile", "Punctuality", "entry_json", "format_jsonl", "format_table", "window"]


def _ref(ref: str, base: Path | None) -> str:
    if base is not None and ref.startswith(str(base) + "/"):
        return ref[len(str(base)) + 1 :]
    return ref


def entry_json(entry: AsRunEntry, zone: ZoneInfo, base: Path | None = None) -> dict[str, Any]:
    """One timeline line. Paths under `base` (the config's folder) are shown relative to it."""
    out: dict[str, Any] = {
        "start": format_local(entry.start, zone),
        "end": format_local(entry.end, zone),
        "kind": entry.kind.value,
        "source": entry.source.value,
        "ref": _ref(entry.ref, base),
        "title": entry.title,
        "requested_at": None
        if entry.requested_at is None
        else format_local(entry.requested_at, zone),
        "due_at": None if entry.due_at is None else format_local(entry.due_at, zone),
        "lateness_seconds": None if entry.lateness is None else round(entry.lateness, 3),
        "interrupted": entry.interrupted,
    }
    if entry.reason:
        out["reason"] = entry.reason
    if entry.zones:
        out["zones"] = list(entry.zones)
    return out


def window(entries: Iterable[AsRunEntry], start: float, end: float) -> list[AsRunEntry]:
    """The entries on air within [start, end), and those skipped within it, in start order."""
    return sorted(
        (e for e in entries if e.start < end and (e.end > start or e.start >= start)),
        key=lambda e: e.start,
    )


def format_jsonl(entries: Iterable[AsRunEntry], zone: ZoneInfo, base: Path | None = None) -> str:
    return "".join(
        json.dumps(entry_json(e, zone, base), ensure_ascii=False) + "\n" for e in entries
    )


def format_table(entries: Sequence[AsRunEntry], zone: ZoneInfo, base: Path | None = None) -> str:
    """A table a person reads before opening: one line per item, notes on the right."""
    lines = [f"{'start':8}  {'end':8}  {'kind':12}  {'source':12}  item"]
    for e in entries:
        notes = []
        if e.lateness is not None:
            notes.append(f"due {to_local(e.due_at or 0, zone):%H:%M}, {e.lateness:+.0f}s")
        if e.requested_at is not None:
            notes.append(f"asked {to_local(e.requested_at, zone):%H:%M:%S}")
        if e.interrupted:
            notes.append("INTERRUPTED")
        if e.reason:
            notes.append(e.reason)
        shown = (
            e.title if e.kind in (ItemKind.ANNOUNCEMENT, ItemKind.EMERGENCY) else _ref(e.ref, base)
        )
        if e.kind is ItemKind.MUSIC and e.title:
            shown = f"{e.title}  ({_ref(e.ref, base)})"
        note = f"  [{'; '.join(notes)}]" if notes else ""
        lines.append(
            f"{to_local(e.start, zone):%H:%M:%S}  {to_local(e.end, zone):%H:%M:%S}  "
            f"{e.kind.value:12}  {e.source.value:12}  {shown}{note}"
        )
    return "\n".join(lines) + "\n"


class JsonlFile:
    """An event subscriber that appends each finished as-run entry to a JSON-lines file;
    "{day}" in the path's name is the entry's store-local date (a file per day)."""

    def __init__(self, path: Path, zone: ZoneInfo, base: Path | None = None) -> None:
        self.path, self.zone, self.base = path, zone, base

    def __call__(self, event: object) -> None:
        entry = getattr(event, "entry", None)
        if isinstance(entry, AsRunEntry):
            day = f"{to_local(entry.start, self.zone):%Y-%m-%d}"
            path = self.path.with_name(self.path.name.replace("{day}", day))
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as out:
                out.write(format_jsonl([entry], self.zone, self.base))


class Punctuality:
    """Lateness of the fixed announcements of a timeline, in seconds: `lateness` signed
    (negative: aired early, in the slot's window), sorted; `off` the same, absolute."""

    def __init__(self, entries: Iterable[AsRunEntry]) -> None:
        self.lateness = sorted(
            e.lateness
            for e in entries
            if e.kind is ItemKind.ANNOUNCEMENT
            and e.source is Source.FIXED
            and e.lateness is not None
        )
        self.off = sorted(abs(x) for x in self.lateness)

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile (0 < p <= 100) of `off`; 0 when there is nothing."""
        if not self.off:
            return 0.0
        rank = max(1, -(-len(self.off) * p // 100))
        return self.off[int(rank) - 1]

    def summary(self) -> str:
        if not self.lateness:
            return "no fixed announcements"
        early = sum(x < 0 for x in self.lateness)
        return (
            f"{len(self.lateness)} fixed announcements, off their time by: median "
            f"{statistics.median(self.off):.1f}s, p95 {self.percentile(95):.1f}s, "
            f"max {self.off[-1]:.1f}s ({early} early, by up to {max(0.0, -self.lateness[0]):.1f}s)"
        )
