"""Accounts, sessions and the audit log (B15): who may use the desk, and who did what.

The store keeps what `daemon.accounts` decides: names arrive already normalised, passwords
only as argon2 hashes, session tokens only as their SHA-256. The audit table is append-only:
no method changes or deletes a row of it, and triggers refuse any statement that would.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from daemon.store.db import Database

__all__ = ["AuditRecord", "DuplicateUser", "SessionRecord", "UserRecord", "UserStore"]

_USER = "SELECT id, name, password_hash, roles, trained, disabled, created_at FROM users"
_SESSION = "SELECT token_hash, user_id, csrf, created_at, expires_at, address FROM sessions"


class DuplicateUser(Exception):
    """A user with this name exists."""


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: int
    name: str
    password_hash: str
    roles: frozenset[str]
    trained: bool
    disabled: bool
    created_at: float


@dataclass(frozen=True, slots=True)
class SessionRecord:
    token_hash: str  # SHA-256 hex of the bearer token
    user_id: int
    csrf: str
    created_at: float
    expires_at: float
    address: str


@dataclass(frozen=True, slots=True)
class AuditRecord:
    id: int
    at: float
    actor: str
    address: str
    action: str
    target: str
    detail: dict[str, object]


def _user(r: Any) -> UserRecord:
    roles = frozenset(str(x) for x in json.loads(r[3]))
    return UserRecord(r[0], r[1], r[2], roles, bool(r[4]), bool(r[5]), float(r[6]))


def _roles(roles: Iterable[str]) -> str:
    return json.dumps(sorted({str(r) for r in roles}))


class UserStore(Database):
    """Users, sessions and audit (mixed into `Store`)."""

    def add_user(
        self, name: str, password_hash: str, roles: Iterable[str], trained: bool, at: float
    ) -> UserRecord:
        """Store a new, enabled user. Raises DuplicateUser when the name is taken."""
        roles = frozenset(str(r) for r in roles)
        with self._write() as conn:
            try:
                cur = conn.execute(
                    "INSERT INTO users (name, password_hash, roles, trained, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (name, password_hash, _roles(roles), int(trained), at),
                )
            except sqlite3.IntegrityError:
                raise DuplicateUser(f"a user named {name!r} exists") from None
            user_id = int(cur.lastrowid or 0)
            return UserRecord(user_id, name, password_hash, roles, trained, False, at)

    def user(self, name: str) -> UserRecord | None:
        with self._read() as conn:
            row = conn.execute(f"{_USER} WHERE name = ?", (name,)).fetchone()
        return None if row is None else _user(row)

    def user_by_id(self, user_id: int) -> UserRecord | None:
        with self._read() as conn:
            row = conn.execute(f"{_USER} WHERE id = ?", (user_id,)).fetchone()
        return None if row is None else _user(row)

    def users(self) -> list[UserRecord]:
        """Every user, disabled ones too, by name."""
        with self._read() as conn:
            return [_user(r) for r in conn.execute(f"{_USER} ORDER BY name, id")]

    def set_password(self, user_id: int, password_hash: str) -> None:
        """KeyError if no such user."""
        self._update_user(user_id, "password_hash = ?", (password_hash,))

    def set_disabled(self, user_id: int, disabled: bool) -> None:
        """KeyError if no such user."""
        self._update_user(user_id, "disabled = ?", (int(disabled),))

    def set_roles(self, user_id: int, roles: Iterable[str], trained: bool) -> None:
        """KeyError if no such user."""
        self._update_user(user_id, "roles = ?, trained = ?", (_roles(roles), int(trained)))

    def any_admin(self) -> bool:
        """True when an enabled user holds the admin role."""
        sql = """SELECT 1 FROM users WHERE disabled = 0 AND instr(roles, '"admin"') > 0 LIMIT 1"""
        with self._read() as conn:
            return conn.execute(sql).fetchone() is not None

    def _update_user(self, user_id: int, assignments: str, values: tuple[object, ...]) -> None:
        with self._write() as conn:
            cur = conn.execute(f"UPDATE users SET {assignments} WHERE id = ?", (*values, user_id))
            if cur.rowcount == 0:
                raise KeyError(user_id)

    # -- sessions ----------------------------------------------------------------------------

    def add_session(self, rec: SessionRecord) -> None:
        """KeyError when `rec.user_id` names no user."""
        with self._write() as conn:
            try:
                conn.execute(
                    "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at,"
                    " address) VALUES (?, ?, ?, ?, ?, ?)",
                    (rec.token_hash, rec.user_id, rec.csrf, rec.created_at, rec.expires_at,
                     rec.address),
                )  # fmt: skip
            except sqlite3.IntegrityError as err:
                if "FOREIGN KEY" in str(err):
                    raise KeyError(f"no user with id {rec.user_id}") from None
                raise

    def session(self, token_hash: str) -> SessionRecord | None:
        with self._read() as conn:
            r = conn.execute(f"{_SESSION} WHERE token_hash = ?", (token_hash,)).fetchone()
        return None if r is None else SessionRecord(r[0], r[1], r[2], r[3], r[4], r[5])

    def delete_session(self, token_hash: str) -> bool:
        """True if there was such a session."""
        with self._write() as conn:
            return conn.execute(
                "DELETE FROM sessions WHERE token_hash = ?", (token_hash,)
            ).rowcount > 0  # fmt: skip

    def delete_sessions_of(self, user_id: int) -> int:
        """End every session of the user; how many there were."""
        with self._write() as conn:
            return conn.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,)).rowcount

    def prune_sessions(self, now: float) -> int:
        """Delete sessions expired at `now`; how many."""
        with self._write() as conn:
            return conn.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,)).rowcount

    # -- audit -------------------------------------------------------------------------------

    def audit(
        self,
        at: float,
        actor: str,
        address: str,
        action: str,
        target: str = "",
        detail: dict[str, object] | None = None,
    ) -> None:
        """Append one line to the audit log. Never pass a password, token or hash."""
        text = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO audit (at, actor, address, action, target, detail)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (at, actor, address, action, target, text),
            )

    def audit_log(self, since: float | None = None, limit: int = 500) -> list[AuditRecord]:
        """The latest `limit` lines at or after `since`, newest first."""
        sql = "SELECT id, at, actor, address, action, target, detail FROM audit"
        args: tuple[object, ...] = (limit,)
        if since is not None:
            sql, args = sql + " WHERE at >= ?", (since, limit)
        with self._read() as conn:
            rows = conn.execute(sql + " ORDER BY at DESC, id DESC LIMIT ?", args).fetchall()
        return [AuditRecord(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6])) for r in rows]
