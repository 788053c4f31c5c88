"""The switchboard's book: messages taken for staff (S3) and complaints with their follow-up
notes (S8). Every write is one transaction; a message taken twice by the same operator within
`REPEAT_SECONDS` (a double click, a retry) is stored once, and so is a complaint.

Times are Unix instants. A message is for a directory entry (`to_id`) and shows on the phone of
the account whose normalized name is the entry's (`to_name`), or whose name is its id.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from daemon.store.db import Database

__all__ = ["REPEAT_SECONDS", "ComplaintRecord", "MessageRecord", "NoteRecord", "SwitchboardBook"]

REPEAT_SECONDS = 120.0
_MESSAGE = (
    "SELECT id, taken_at, taken_by, to_id, to_name, extension, caller, number, text, read_at,"
    " read_by FROM messages"
)
_COMPLAINT = (
    "SELECT id, created_at, created_by, caller, contact, what, department, state, due_at,"
    " limit_at, updated_at FROM complaints"
)
_OPEN = "('new', 'in_progress')"


@dataclass(frozen=True, slots=True)
class MessageRecord:
    id: int
    taken_at: float
    taken_by: str
    to_id: str
    to_name: str
    extension: str
    caller: str
    number: str
    text: str
    read_at: float | None
    read_by: str


@dataclass(frozen=True, slots=True)
class ComplaintRecord:
    id: int
    created_at: float
    created_by: str
    caller: str
    contact: str
    what: str
    department: str
    state: str  # a `daemon.switchboard.book.ComplaintState` value
    due_at: float
    limit_at: float
    updated_at: float


@dataclass(frozen=True, slots=True)
class NoteRecord:
    complaint_id: int
    at: float
    by: str
    text: str
    state: str | None  # the state the note moved the complaint to


class SwitchboardBook(Database):
    """Messages and complaints (mixed into `Store`)."""

    def add_message(
        self, at: float, by: str, to: tuple[str, str, str], caller: str, number: str, text: str
    ) -> tuple[MessageRecord, bool]:
        """(the message, True if stored now); `to` is (directory id, normalized name,
        extension). The same message by the same operator within REPEAT_SECONDS: the first."""
        with self._write() as conn:
            row = conn.execute(
                f"{_MESSAGE} WHERE taken_by = ? AND to_id = ? AND caller = ? AND number = ?"
                " AND text = ? AND taken_at >= ? ORDER BY id LIMIT 1",
                (by, to[0], caller, number, text, at - REPEAT_SECONDS),
            ).fetchone()
            if row is not None:
                return MessageRecord(*row), False
            cursor = conn.execute(
                "INSERT INTO messages (taken_at, taken_by, to_id, to_name, extension, caller,"
                " number, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (at, by, *to, caller, number, text),
            )
            return MessageRecord(
                int(cursor.lastrowid or 0), at, by, *to, caller, number, text, None, ""
            ), True

    def messages(self, since: float, to: tuple[str, ...] | None = None) -> list[MessageRecord]:
        """Every unread message and those taken since `since`, newest first; only those for
        the names or ids in `to` when given."""
        where = "(read_at IS NULL OR taken_at >= ?)"
        args: list[object] = [since]
        if to is not None:
            if not to:
                return []
            marks = ", ".join("?" * len(to))
            where += f" AND (to_name IN ({marks}) OR to_id IN ({marks}))"
            args += [*to, *to]
        with self._read() as conn:
            rows = conn.execute(f"{_MESSAGE} WHERE {where} ORDER BY id DESC", args).fetchall()
        return [MessageRecord(*r) for r in rows]

    def mark_read(
        self, message_id: int, to: tuple[str, ...], at: float, by: str
    ) -> MessageRecord | None:
        """Mark a message for one of `to` (names or ids) read (once: the first reading stays);
        None when there is no such message for them."""
        marks = ", ".join("?" * len(to))
        mine = f"id = ? AND (to_name IN ({marks}) OR to_id IN ({marks}))"
        with self._write() as conn:
            conn.execute(
                f"UPDATE messages SET read_at = ?, read_by = ? WHERE {mine} AND read_at IS NULL",
                (at, by, message_id, *to, *to),
            )
            row = conn.execute(f"{_MESSAGE} WHERE {mine}", (message_id, *to, *to)).fetchone()
        return None if row is None else MessageRecord(*row)

    def add_complaint(
        self, at: float, by: str, fields: tuple[str, str, str, str], due_at: float, limit_at: float
    ) -> tuple[ComplaintRecord, bool]:
        """(the complaint, True if stored now); `fields` is (caller, contact, what,
        department). The same one by the same operator within REPEAT_SECONDS: the first."""
        with self._write() as conn:
            row = conn.execute(
                f"{_COMPLAINT} WHERE created_by = ? AND caller = ? AND contact = ? AND what = ?"
                " AND department = ? AND created_at >= ? ORDER BY id LIMIT 1",
                (by, *fields, at - REPEAT_SECONDS),
            ).fetchone()
            if row is not None:
                return ComplaintRecord(*row), False
            cursor = conn.execute(
                "INSERT INTO complaints (created_at, created_by, caller, contact, what,"
                " department, state, due_at, limit_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, 'new', ?, ?, ?)",
                (at, by, *fields, due_at, limit_at, at),
            )
            record = ComplaintRecord(
                int(cursor.lastrowid or 0), at, by, *fields, "new", due_at, limit_at, at
            )
            return record, True

    def complaint(self, complaint_id: int) -> ComplaintRecord | None:
        with self._read() as conn:
            row = conn.execute(f"{_COMPLAINT} WHERE id = ?", (complaint_id,)).fetchone()
        return None if row is None else ComplaintRecord(*row)

    def complaints(
        self, departments: tuple[str, ...] | None = None, state: str | None = None,
        open_only: bool = False, limit: int = 500,
    ) -> list[ComplaintRecord]:  # fmt: skip
        """Complaints, open ones first, then by deadline (the most overdue first), then the
        newest; only `departments` when given, only `state` when given."""
        where: list[str] = []
        args: list[object] = []
        if departments is not None:
            if not departments:
                return []
            where.append(f"department IN ({', '.join('?' * len(departments))})")
            args += departments
        if state is not None:
            where.append("state = ?")
            args.append(state)
        if open_only:
            where.append(f"state IN {_OPEN}")
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        order = f" ORDER BY state NOT IN {_OPEN}, CASE WHEN state IN {_OPEN} THEN due_at END,"
        order += " id DESC LIMIT ?"
        with self._read() as conn:
            rows = conn.execute(f"{_COMPLAINT}{clause}{order}", (*args, limit)).fetchall()
        return [ComplaintRecord(*r) for r in rows]

    def add_note(
        self, complaint_id: int, at: float, by: str, text: str, move: tuple[str, str] | None
    ) -> ComplaintRecord | None:
        """Add a follow-up note; with `move` (from, to) also change the state, only if it is
        still `from` (two people moving it at once: the second gets None, nothing written)."""
        with self._write() as conn:
            if move is not None:
                cursor = conn.execute(
                    "UPDATE complaints SET state = ?, updated_at = ? WHERE id = ? AND state = ?",
                    (move[1], at, complaint_id, move[0]),
                )
                if cursor.rowcount == 0:
                    return None
            else:
                conn.execute(
                    "UPDATE complaints SET updated_at = ? WHERE id = ?", (at, complaint_id)
                )
            conn.execute(
                "INSERT INTO complaint_notes (complaint_id, at, by, text, state)"
                " VALUES (?, ?, ?, ?, ?)",
                (complaint_id, at, by, text, None if move is None else move[1]),
            )
            row = conn.execute(f"{_COMPLAINT} WHERE id = ?", (complaint_id,)).fetchone()
        return None if row is None else ComplaintRecord(*row)

    def notes(self, complaint_ids: list[int]) -> dict[int, list[NoteRecord]]:
        """The notes of each complaint, oldest first."""
        found: dict[int, list[NoteRecord]] = {i: [] for i in complaint_ids}
        if not complaint_ids:
            return found
        marks = ", ".join("?" * len(complaint_ids))
        with self._read() as conn:
            rows: list[sqlite3.Row] = conn.execute(
                "SELECT complaint_id, at, by, text, state FROM complaint_notes"
                f" WHERE complaint_id IN ({marks}) ORDER BY at, id",
                complaint_ids,
            ).fetchall()
        for row in rows:
            found[row[0]].append(NoteRecord(*row))
        return found
