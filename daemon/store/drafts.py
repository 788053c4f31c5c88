"""Script versions on their way to the library (B6): marketing's drafts, submissions, the
planners' decisions, and every step of each (who, when, why).

A version's `fields` are the script's keys as its TOML file holds them (JSON values only).
A change of state happens only from the state the caller saw (`expected`): two planners
deciding at once, the second changes nothing and is told so (None).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from daemon.store.db import Database

__all__ = ["DraftStore", "ScriptEvent", "VersionRecord"]

_VERSION = (
    "SELECT id, script_id, version, kind, fields, state, author, created_at, updated_at,"
    " submitted_by, submitted_at, decided_by, decided_at, reason FROM script_versions"
)


@dataclass(frozen=True, slots=True)
class VersionRecord:
    id: int
    script_id: str
    version: int
    kind: str
    fields: dict[str, Any]
    state: str  # a `daemon.script_workflow.DraftState` value
    author: str
    created_at: float
    updated_at: float
    submitted_by: str
    submitted_at: float | None
    decided_by: str
    decided_at: float | None
    reason: str


@dataclass(frozen=True, slots=True)
class ScriptEvent:
    at: float
    by: str
    action: str
    state: str
    reason: str


def _record(row: tuple[Any, ...]) -> VersionRecord:
    values = list(row)
    values[4] = json.loads(values[4])
    return VersionRecord(*values)


class DraftStore(Database):
    """Script versions and their history (mixed into `Store`)."""

    def new_version(
        self, script_id: str, kind: str, fields: dict[str, Any], at: float, by: str,
        action: str = "edit",
    ) -> VersionRecord:  # fmt: skip
        """A draft: version 1 of a new script, or the next version of an existing one
        (`action` for its history: edit, record, unrecord)."""
        text = json.dumps(fields, ensure_ascii=False, sort_keys=True)
        with self._write() as conn:
            last = conn.execute(
                "SELECT MAX(version) FROM script_versions WHERE script_id = ?", (script_id,)
            ).fetchone()[0]
            cursor = conn.execute(
                "INSERT INTO script_versions (script_id, version, kind, fields, state, author,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, 'draft', ?, ?, ?)",
                (script_id, (last or 0) + 1, kind, text, by, at, at),
            )
            version_id = int(cursor.lastrowid or 0)
            _event(conn, version_id, at, by, action, "draft", "")
            row = conn.execute(f"{_VERSION} WHERE id = ?", (version_id,)).fetchone()
        return _record(row)

    def save_version(
        self, version_id: int, expected: str, kind: str, fields: dict[str, Any], at: float,
        by: str, action: str = "edit",
    ) -> VersionRecord | None:  # fmt: skip
        """New fields for a draft, rejected or submitted version (back to draft); None if its
        state is no longer `expected`."""
        text = json.dumps(fields, ensure_ascii=False, sort_keys=True)
        with self._write() as conn:
            cursor = conn.execute(
                "UPDATE script_versions SET fields = ?, kind = ?, state = 'draft', updated_at = ?,"
                " reason = CASE WHEN state = 'rejected' THEN reason ELSE '' END"
                " WHERE id = ? AND state = ?",
                (text, kind, at, version_id, expected),
            )
            if cursor.rowcount == 0:
                return None
            _event(conn, version_id, at, by, action, "draft", "")
            row = conn.execute(f"{_VERSION} WHERE id = ?", (version_id,)).fetchone()
        return _record(row)

    def move_version(
        self, version_id: int, expected: str, state: str, action: str, at: float, by: str,
        reason: str = "",
    ) -> VersionRecord | None:  # fmt: skip
        """Move a version from `expected` to `state`; approving one retires the version that
        was approved before it. None if its state is no longer `expected`."""
        submitted = action == "submit"
        decided = action in ("approve", "reject")
        with self._write() as conn:
            cursor = conn.execute(
                "UPDATE script_versions SET state = ?, updated_at = ?,"
                " submitted_by = CASE WHEN ? THEN ? ELSE submitted_by END,"
                " submitted_at = CASE WHEN ? THEN ? ELSE submitted_at END,"
                " decided_by = CASE WHEN ? THEN ? ELSE decided_by END,"
                " decided_at = CASE WHEN ? THEN ? ELSE decided_at END,"
                " reason = CASE WHEN ? THEN ? ELSE reason END"
                " WHERE id = ? AND state = ?",
                (state, at, submitted, by, submitted, at, decided, by, decided, at,
                 decided or submitted, reason, version_id, expected),
            )  # fmt: skip
            if cursor.rowcount == 0:
                return None
            if state == "approved":
                older = conn.execute(
                    "SELECT id FROM script_versions WHERE state = 'approved' AND id != ?"
                    " AND script_id = (SELECT script_id FROM script_versions WHERE id = ?)",
                    (version_id, version_id),
                ).fetchall()
                for (old,) in older:
                    conn.execute(
                        "UPDATE script_versions SET state = 'retired', updated_at = ? WHERE id = ?",
                        (at, old),
                    )
                    _event(conn, old, at, by, "superseded", "retired", "")
            _event(conn, version_id, at, by, action, state, reason)
            row = conn.execute(f"{_VERSION} WHERE id = ?", (version_id,)).fetchone()
        return _record(row)

    def version(self, version_id: int) -> VersionRecord | None:
        with self._read() as conn:
            row = conn.execute(f"{_VERSION} WHERE id = ?", (version_id,)).fetchone()
        return None if row is None else _record(row)

    def versions(
        self, state: str | None = None, script_id: str | None = None
    ) -> list[VersionRecord]:
        """Versions, the latest change first; only `state` / `script_id` when given."""
        where, args = [], []
        if state is not None:
            where.append("state = ?")
            args.append(state)
        if script_id is not None:
            where.append("script_id = ?")
            args.append(script_id)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        with self._read() as conn:
            rows = conn.execute(
                f"{_VERSION}{clause} ORDER BY updated_at DESC, id DESC LIMIT 1000", args
            ).fetchall()
        return [_record(r) for r in rows]

    def script_history(self, version_id: int) -> list[ScriptEvent]:
        """Every step of a version, oldest first."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT at, by, action, state, reason FROM script_events WHERE version_id = ?"
                " ORDER BY at, id",
                (version_id,),
            ).fetchall()
        return [ScriptEvent(*r) for r in rows]


def _event(
    conn: Any, version_id: int, at: float, by: str, action: str, state: str, reason: str
) -> None:
    conn.execute(
        "INSERT INTO script_events (version_id, at, by, action, state, reason)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (version_id, at, by, action, state, reason),
    )
