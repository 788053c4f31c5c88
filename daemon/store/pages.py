"""Pages, every change of their state, and emergencies: what recovery rebuilds the queue from.

A page is written when it is accepted, before it is acknowledged; each change of state is
one more row of `page_events` (who asked is on the page, why is the `reason`). Times are
Unix instants (float seconds, UTC); `day` is the store-local business day as an ISO date.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from daemon.store.db import Database
from daemon.views import PageState

__all__ = ["DuplicatePage", "EmergencyRecord", "PageRecord", "PageStore"]

_STATES = frozenset(s.value for s in PageState)
_UNFINISHED = (PageState.QUEUED.value, PageState.ON_AIR.value)
_COLUMNS = (
    "id, day, kind, text, urgent, duration, requested_at, requested_by, user_id, request, "
    "audio, recorded_by, idempotency_key, state, updated_at, reason"
)
_ORDER = " ORDER BY requested_at, rowid"  # ties: the order they were taken in
_EMERGENCY = "SELECT id, script_id, title, started_at, started_by, cleared_at, cleared_by"


class DuplicatePage(Exception):
    """A page with this id, or with this (user_id, idempotency_key), is already stored."""


@dataclass(frozen=True, slots=True)
class PageRecord:
    """One page as stored. `request` holds the fields asked for (JSON values only)."""

    id: str
    day: str
    kind: str
    text: str
    urgent: bool
    duration: float
    requested_at: float
    requested_by: str  # the user's name
    user_id: int | None
    request: dict[str, object]
    audio: str  # path of the file that airs
    recorded_by: str  # the trained announcer whose voice it is (B7), "" for synthesis
    idempotency_key: str | None
    state: str  # a `daemon.views.PageState` value
    updated_at: float
    reason: str = ""


@dataclass(frozen=True, slots=True)
class EmergencyRecord:
    id: int
    script_id: str
    title: str
    started_at: float
    started_by: str
    cleared_at: float | None = None
    cleared_by: str = ""


def _page(r: Any) -> PageRecord:
    return PageRecord(
        id=r[0], day=r[1], kind=r[2], text=r[3], urgent=bool(r[4]), duration=float(r[5]),
        requested_at=float(r[6]), requested_by=r[7], user_id=r[8], request=json.loads(r[9]),
        audio=r[10], recorded_by=r[11], idempotency_key=r[12], state=r[13],
        updated_at=float(r[14]), reason=r[15],
    )  # fmt: skip


def _emergency(r: Any) -> EmergencyRecord:
    cleared = None if r[5] is None else float(r[5])
    return EmergencyRecord(r[0], r[1], r[2], float(r[3]), r[4], cleared, r[6])


def _state(state: str) -> str:
    if state not in _STATES:
        raise ValueError(f"unknown page state {state!r}: one of {', '.join(sorted(_STATES))}")
    return str(state)


class PageStore(Database):
    """Pages and emergencies (mixed into `Store`)."""

    def add_page(self, rec: PageRecord) -> None:
        """Store a new page and its first event (rec.updated_at, rec.state, rec.reason).

        Raises DuplicatePage on an id clash or on the same (user_id, idempotency_key) twice,
        KeyError when `user_id` names no user, ValueError for an unknown state."""
        state = _state(rec.state)
        request = json.dumps(rec.request, ensure_ascii=False, sort_keys=True, allow_nan=False)
        row = (rec.id, rec.day, rec.kind, rec.text, int(rec.urgent), rec.duration,
               rec.requested_at, rec.requested_by, rec.user_id, request, rec.audio,
               rec.recorded_by, rec.idempotency_key, state, rec.updated_at, rec.reason)  # fmt: skip
        with self._write() as conn:
            try:
                conn.execute(f"INSERT INTO pages ({_COLUMNS}) VALUES ({', '.join('?' * 16)})", row)
            except sqlite3.IntegrityError as err:
                if "FOREIGN KEY" in str(err):
                    raise KeyError(f"no user with id {rec.user_id}") from None
                raise DuplicatePage(f"page {rec.id!r} (or its idempotency key) exists") from None
            conn.execute(
                "INSERT INTO page_events (page_id, at, state, reason) VALUES (?, ?, ?, ?)",
                (rec.id, rec.updated_at, state, rec.reason),
            )

    def set_page_state(self, page_id: str, state: str, at: float, reason: str = "") -> None:
        """Set the state (and reason) and append it to the page's events. KeyError if unknown."""
        state = _state(state)
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE pages SET state = ?, updated_at = ?, reason = ? WHERE id = ?",
                (state, at, reason, page_id),
            )
            if cur.rowcount == 0:
                raise KeyError(page_id)
            conn.execute(
                "INSERT INTO page_events (page_id, at, state, reason) VALUES (?, ?, ?, ?)",
                (page_id, at, state, reason),
            )

    def set_page_audio(self, page_id: str, audio: str, duration: float, recorded_by: str) -> None:
        """Replace what airs for the page (an announcer's recording, B7). KeyError if unknown."""
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE pages SET audio = ?, duration = ?, recorded_by = ? WHERE id = ?",
                (audio, duration, recorded_by, page_id),
            )
            if cur.rowcount == 0:
                raise KeyError(page_id)

    def page(self, page_id: str) -> PageRecord | None:
        with self._read() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM pages WHERE id = ?", (page_id,)).fetchone()
        return None if row is None else _page(row)

    def pages(
        self, day: str | None = None, state: str | None = None, user_id: int | None = None
    ) -> list[PageRecord]:
        """Pages matching every filter given (None: any), by requested_at then id."""
        where, args = [], []
        for column, value in (("day", day), ("state", state), ("user_id", user_id)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        sql = f"SELECT {_COLUMNS} FROM pages" + (" WHERE " + " AND ".join(where) if where else "")
        with self._read() as conn:
            return [_page(r) for r in conn.execute(sql + _ORDER, args)]

    def page_by_key(self, user_id: int | None, key: str) -> PageRecord | None:
        """The page this user submitted with this idempotency key, if any."""
        sql = f"SELECT {_COLUMNS} FROM pages WHERE user_id IS ? AND idempotency_key = ?"
        with self._read() as conn:
            row = conn.execute(sql, (user_id, key)).fetchone()
        return None if row is None else _page(row)

    def recent_page(self, user_id: int | None, text: str, since: float) -> PageRecord | None:
        """The latest page by this user with exactly this text, requested at or after `since`,
        not cancelled (a double tap on the phone returns the first page)."""
        sql = (
            f"SELECT {_COLUMNS} FROM pages WHERE user_id IS ? AND text = ? AND requested_at >= ?"
            " AND state != 'cancelled' ORDER BY requested_at DESC, rowid DESC LIMIT 1"
        )
        with self._read() as conn:
            row = conn.execute(sql, (user_id, text, since)).fetchone()
        return None if row is None else _page(row)

    def pages_since(self, user_id: int | None, since: float) -> int:
        """How many pages this user asked for at or after `since`, whatever became of them."""
        sql = "SELECT count(*) FROM pages WHERE user_id IS ? AND requested_at >= ?"
        with self._read() as conn:
            return int(conn.execute(sql, (user_id, since)).fetchone()[0])

    def page_times(self, since: float) -> list[tuple[float, float]]:
        """(requested_at, duration) of every page asked for at or after `since`, not
        cancelled (the typical pages a preview simulates)."""
        sql = "SELECT requested_at, duration FROM pages WHERE requested_at >= ? AND state != ?"
        with self._read() as conn:
            return [(float(a), float(d)) for a, d in conn.execute(sql, (since, "cancelled"))]

    def page_events(self, page_id: str) -> list[tuple[float, str, str]]:
        """(at, state, reason) of every state the page was in, the first one included."""
        sql = "SELECT at, state, reason FROM page_events WHERE page_id = ? ORDER BY id"
        with self._read() as conn:
            return [(float(a), str(s), str(r)) for a, s, r in conn.execute(sql, (page_id,))]

    def histories(self, page_ids: list[str]) -> dict[str, list[tuple[float, str, str]]]:
        """`page_events` of many pages in one query (the desk's queue)."""
        found: dict[str, list[tuple[float, str, str]]] = {p: [] for p in page_ids}
        if not page_ids:
            return found
        marks = ", ".join("?" * len(page_ids))
        sql = (
            f"SELECT page_id, at, state, reason FROM page_events WHERE page_id IN ({marks})"
            " ORDER BY id"
        )
        with self._read() as conn:
            for page_id, at, state, reason in conn.execute(sql, page_ids):
                found[str(page_id)].append((float(at), str(state), str(reason)))
        return found

    def unfinished_pages(self) -> list[PageRecord]:
        """Pages queued or on air, any day: what recovery queues again."""
        sql = f"SELECT {_COLUMNS} FROM pages WHERE state IN (?, ?)" + _ORDER
        with self._read() as conn:
            return [_page(r) for r in conn.execute(sql, _UNFINISHED)]

    # -- emergencies -------------------------------------------------------------------------

    def emergency_started(self, script_id: str, title: str, at: float, by: str) -> EmergencyRecord:
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO emergencies (script_id, title, started_at, started_by)"
                " VALUES (?, ?, ?, ?)",
                (script_id, title, at, by),
            )
            return EmergencyRecord(int(cur.lastrowid or 0), script_id, title, at, by)

    def emergency_cleared(self, script_id: str, at: float, by: str) -> EmergencyRecord | None:
        """Clear the active emergency of preset `script_id`: it as cleared, None if none was."""
        with self._write() as conn:
            row = conn.execute(
                f"{_EMERGENCY} FROM emergencies WHERE cleared_at IS NULL AND script_id = ?"
                " ORDER BY started_at, id LIMIT 1",
                (script_id,),
            ).fetchone()
            if row is None:
                return None
            conn.execute(
                "UPDATE emergencies SET cleared_at = ?, cleared_by = ?"
                " WHERE cleared_at IS NULL AND script_id = ?",
                (at, by, script_id),
            )
            return _emergency((*row[:5], at, by))

    def active_emergencies(self) -> list[EmergencyRecord]:
        """The emergencies not cleared, in the order they were started."""
        with self._read() as conn:
            rows = conn.execute(
                f"{_EMERGENCY} FROM emergencies WHERE cleared_at IS NULL ORDER BY started_at, id"
            ).fetchall()
        return [_emergency(r) for r in rows]

    def emergencies(self, since: float) -> list[EmergencyRecord]:
        """Emergencies on at or after `since` (started since, still active, or cleared since),
        by start."""
        sql = (
            f"{_EMERGENCY} FROM emergencies WHERE started_at >= ? OR cleared_at IS NULL"
            " OR cleared_at >= ? ORDER BY started_at, id"
        )
        with self._read() as conn:
            return [_emergency(r) for r in conn.execute(sql, (since, since))]
