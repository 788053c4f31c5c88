"""The as-run log (what aired, from when to when, and why) and the playing side's heartbeat.

An item is written when it goes on air (`asrun_started`, end unknown) and finished when it
leaves (`asrun_ended`), so that after a crash `open_asrun()` shows what was on air and
`last_heartbeat()` roughly when the process stopped. `asrun(day)` is the finished log;
`campaign_asrun(first, last)` and `asrun_campaigns()` are what proof of play reads of it.
"""

from __future__ import annotations

import json
from typing import Any

from daemon.model import AsRunEntry, ItemKind, Source
from daemon.store.db import Database

__all__ = ["AsRunStore"]

_COLUMNS = (
    "start_at, end_at, kind, source, ref, title, requested_at, due_at, interrupted, reason, zones"
)
_INSERT = f"INSERT INTO asrun (day, {_COLUMNS}) VALUES ({', '.join('?' * 12)})"


def _row(day: str, entry: AsRunEntry, end: float | None) -> tuple[object, ...]:
    return (
        day,
        entry.start,
        end,
        str(entry.kind),
        str(entry.source),
        entry.ref,
        entry.title,
        entry.requested_at,
        entry.due_at,
        int(entry.interrupted),
        entry.reason,
        json.dumps(list(entry.zones), ensure_ascii=False),
    )


def _entry(r: Any) -> AsRunEntry:
    start = float(r[0])
    return AsRunEntry(
        start=start,
        end=start if r[1] is None else float(r[1]),
        kind=ItemKind(r[2]),
        source=Source(r[3]),
        ref=r[4],
        title=r[5],
        requested_at=None if r[6] is None else float(r[6]),
        due_at=None if r[7] is None else float(r[7]),
        interrupted=bool(r[8]),
        reason=r[9],
        zones=tuple(json.loads(r[10])),
    )


class AsRunStore(Database):
    """The as-run log and the heartbeat (mixed into `Store`)."""

    def asrun_started(self, day: str, entry: AsRunEntry) -> int:
        """Write an item that went on air (its `end` is ignored: not known yet); its row id."""
        with self._write() as conn:
            return int(conn.execute(_INSERT, _row(day, entry, None)).lastrowid or 0)

    def asrun_ended(
        self, row_id: int, end: float, interrupted: bool = False, reason: str = ""
    ) -> None:
        """Finish the row: its end, whether it was cut short; `reason`, when not empty,
        replaces the entry's. Ending a row twice keeps the last. KeyError if unknown."""
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE asrun SET end_at = ?, interrupted = ?,"
                " reason = CASE WHEN ? = '' THEN reason ELSE ? END WHERE id = ?",
                (end, int(interrupted), reason, reason, row_id),
            )
            if cur.rowcount == 0:
                raise KeyError(row_id)

    def asrun_add(self, day: str, entry: AsRunEntry) -> int:
        """Write a finished entry at once (a skipped item, an end seen without its start)."""
        with self._write() as conn:
            return int(conn.execute(_INSERT, _row(day, entry, entry.end)).lastrowid or 0)

    def asrun(self, day: str) -> list[AsRunEntry]:
        """The day's finished entries, by start then row id (items still on air left out)."""
        sql = f"SELECT {_COLUMNS} FROM asrun WHERE day = ? AND end_at IS NOT NULL"
        with self._read() as conn:
            return [_entry(r) for r in conn.execute(sql + " ORDER BY start_at, id", (day,))]

    def campaign_asrun(self, first: str, last: str) -> list[AsRunEntry]:
        """The finished campaign announcements and the emergency items (one on air too, its
        end = its start) of the days `first` to `last` (ISO, the `day` column, both included),
        by start then row id: what proof of play counts, and what tells a cut by an emergency
        (`daemon.reports`) from the moment the emergency is on air."""
        sql = (
            f"SELECT {_COLUMNS} FROM asrun WHERE day BETWEEN ? AND ?"
            " AND ((kind = ? AND source = ? AND end_at IS NOT NULL) OR kind = ?)"
            " ORDER BY start_at, id"
        )
        args = (first, last, str(ItemKind.ANNOUNCEMENT), str(Source.CAMPAIGN),
                str(ItemKind.EMERGENCY))  # fmt: skip
        with self._read() as conn:
            return [_entry(r) for r in conn.execute(sql, args)]

    def asrun_campaigns(self) -> dict[str, str]:
        """Every campaign that ever went on air: its id -> its title when it last did, by id."""
        sql = (  # SQLite: with one max(), the bare `title` is that of the row holding the max
            "SELECT ref, title, max(start_at) FROM asrun WHERE kind = ? AND source = ?"
            " GROUP BY ref ORDER BY ref"
        )
        args = (str(ItemKind.ANNOUNCEMENT), str(Source.CAMPAIGN))
        with self._read() as conn:
            return {str(r[0]): str(r[1]) for r in conn.execute(sql, args)}

    def open_asrun(self) -> list[tuple[int, str, AsRunEntry]]:
        """(row id, day, entry with end = start) of every row not finished, any day, by start:
        what was on air when the process stopped."""
        sql = f"SELECT id, day, {_COLUMNS} FROM asrun WHERE end_at IS NULL ORDER BY start_at, id"
        with self._read() as conn:
            return [(int(r[0]), str(r[1]), _entry(r[2:])) for r in conn.execute(sql)]

    def heartbeat(self, at: float) -> None:
        """Remember `at` as the latest instant the playing side was alive (one row)."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO heartbeat (id, at) VALUES (1, ?)"
                " ON CONFLICT (id) DO UPDATE SET at = excluded.at",
                (at,),
            )

    def last_heartbeat(self) -> float | None:
        with self._read() as conn:
            row = conn.execute("SELECT at FROM heartbeat WHERE id = 1").fetchone()
        return None if row is None else float(row[0])
