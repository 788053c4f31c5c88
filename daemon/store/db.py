"""The SQLite file under everything durable: opening it, its pragmas, schema version, the lock.

Contracts:

- One connection (`check_same_thread=False`) guarded by one `threading.Lock`: any thread may
  call any method; each public method of the store is one transaction (`_write()` takes the
  write lock at once with BEGIN IMMEDIATE, so two processes on one file never deadlock).
- `journal_mode=WAL`, `synchronous=FULL` for the whole connection (every commit reaches the
  disk before it returns: an accepted page or emergency survives a power cut),
  `foreign_keys=ON`, a busy timeout of `BUSY_SECONDS` for the other process (the CLI).
- The schema version is `PRAGMA user_version`; `MIGRATIONS[n]` takes a file from version n to
  n + 1, each in one transaction, in order, when the file is opened.
- Nothing here lets a raw `sqlite3` error out: a file that is not an SQLite database, one of
  a newer mall-pa, one that cannot be opened or written raises `StoreError`, whose message
  names the file, what was found and what to do.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

__all__ = ["BUSY_SECONDS", "MIGRATIONS", "Database", "StoreError"]

BUSY_SECONDS = 5.0

_SCHEMA_1 = """
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    roles TEXT NOT NULL,                -- JSON list of role names, sorted
    trained INTEGER NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,        -- SHA-256 hex of the bearer token; never the token
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    address TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    actor TEXT NOT NULL,
    address TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL                -- JSON object
);
CREATE INDEX audit_at ON audit(at);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE pages (
    id TEXT PRIMARY KEY,
    day TEXT NOT NULL,                  -- ISO date: the store-local business day
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    urgent INTEGER NOT NULL,
    duration REAL NOT NULL,
    requested_at REAL NOT NULL,
    requested_by TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id),
    request TEXT NOT NULL,              -- JSON object: the fields asked for
    audio TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    idempotency_key TEXT,
    state TEXT NOT NULL
        CHECK (state IN ('queued', 'on_air', 'aired', 'cancelled', 'skipped')),
    updated_at REAL NOT NULL,
    reason TEXT NOT NULL,
    UNIQUE (user_id, idempotency_key)
);
CREATE INDEX pages_day ON pages(day);
CREATE INDEX pages_state ON pages(state);
CREATE INDEX pages_user ON pages(user_id, requested_at);
CREATE TABLE page_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id TEXT NOT NULL REFERENCES pages(id),
    at REAL NOT NULL,
    state TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX page_events_page ON page_events(page_id);
CREATE TABLE emergencies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    script_id TEXT NOT NULL,
    title TEXT NOT NULL,
    started_at REAL NOT NULL,
    started_by TEXT NOT NULL,
    cleared_at REAL,
    cleared_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX emergencies_started ON emergencies(started_at);
CREATE TABLE asrun (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    day TEXT NOT NULL,
    start_at REAL NOT NULL,
    end_at REAL,                        -- NULL while the item is on air
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    ref TEXT NOT NULL,
    title TEXT NOT NULL,
    requested_at REAL,
    due_at REAL,
    interrupted INTEGER NOT NULL,
    reason TEXT NOT NULL,
    zones TEXT NOT NULL                 -- JSON list
);
CREATE INDEX asrun_day ON asrun(day, start_at);
CREATE INDEX asrun_open ON asrun(end_at) WHERE end_at IS NULL;
CREATE TABLE heartbeat (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at REAL NOT NULL
);
"""

_SCHEMA_2 = """
CREATE TABLE directory (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    csv BLOB NOT NULL,                  -- the staff directory, as the CSV last imported
    updated_at REAL NOT NULL,
    updated_by TEXT NOT NULL
);
"""

_SCHEMA_3 = """
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    taken_at REAL NOT NULL,
    taken_by TEXT NOT NULL,             -- the operator's account name
    to_id TEXT NOT NULL,                -- the directory entry it is for
    to_name TEXT NOT NULL,              -- the entry's name then (normalized: whose phone shows it)
    extension TEXT NOT NULL,
    caller TEXT NOT NULL,
    number TEXT NOT NULL,
    text TEXT NOT NULL,
    read_at REAL,                       -- NULL while unread
    read_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX messages_to ON messages(to_name, read_at);
CREATE INDEX messages_unread ON messages(read_at, taken_at);
CREATE TABLE complaints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at REAL NOT NULL,
    created_by TEXT NOT NULL,
    caller TEXT NOT NULL,
    contact TEXT NOT NULL,              -- personal data: shown only to who needs it
    what TEXT NOT NULL,
    department TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('new', 'in_progress', 'answered', 'closed')),
    due_at REAL NOT NULL,
    limit_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX complaints_open ON complaints(state, due_at);
CREATE INDEX complaints_department ON complaints(department, state);
CREATE TABLE complaint_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    complaint_id INTEGER NOT NULL REFERENCES complaints(id),
    at REAL NOT NULL,
    by TEXT NOT NULL,
    text TEXT NOT NULL,
    state TEXT                          -- the state it moved the complaint to, NULL if none
);
CREATE INDEX complaint_notes_complaint ON complaint_notes(complaint_id, at);
"""

_SCHEMA_4 = """
CREATE TABLE script_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    script_id TEXT NOT NULL,
    version INTEGER NOT NULL,           -- 1, 2, ...: an edit of an approved one is the next
    kind TEXT NOT NULL,
    fields TEXT NOT NULL,               -- JSON object: the script's keys as its TOML file has them
    state TEXT NOT NULL
        CHECK (state IN ('draft', 'submitted', 'approved', 'rejected', 'retired')),
    author TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    submitted_by TEXT NOT NULL DEFAULT '',
    submitted_at REAL,
    decided_by TEXT NOT NULL DEFAULT '',
    decided_at REAL,
    reason TEXT NOT NULL DEFAULT '',
    UNIQUE (script_id, version)
);
CREATE INDEX script_versions_state ON script_versions(state, updated_at);
CREATE TABLE script_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version_id INTEGER NOT NULL REFERENCES script_versions(id),
    at REAL NOT NULL,
    by TEXT NOT NULL,
    action TEXT NOT NULL,               -- edit, submit, approve, reject, retire
    state TEXT NOT NULL,                -- the state it left the version in
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX script_events_version ON script_events(version_id, at);
"""

MIGRATIONS: list[str] = [_SCHEMA_1, _SCHEMA_2, _SCHEMA_3, _SCHEMA_4]
"""SQL scripts, in order: MIGRATIONS[n] takes a file from schema n to n + 1. Append only."""


class StoreError(Exception):
    """The database cannot be used; the message says which file, what is wrong, what to do."""


class Database:
    """The connection, its lock and the schema; the store's record mixins build on it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(
                f"{self.path}: cannot create its folder {self.path.parent} ({err.strerror}): "
                "check daemon.state_dir in the config and the folder's permissions"
            ) from None
        try:
            conn = sqlite3.connect(
                self.path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as err:
            raise self._failure("cannot be opened", err) from None
        self._conn: sqlite3.Connection | None = conn
        try:
            self._prepare(conn)
        except StoreError:
            conn.close()
            self._conn = None
            raise

    # -- public ------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection; later calls raise StoreError. Closing twice is fine."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database file and truncate it (nightly upkeep)."""
        with self._lock:
            conn = self._connection()
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            except sqlite3.Error as err:
                raise self._failure("cannot be checkpointed", err) from None

    def schema_version(self) -> int:
        """The file's `PRAGMA user_version` (the number of migrations applied)."""
        with self._read() as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- for the record mixins ---------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction under the lock: committed on return, rolled back on raise."""
        with self._lock:
            conn = self._connection()
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as err:
                raise self._failure("cannot be written", err) from None
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as err:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(err, sqlite3.Error):
                    raise self._failure("cannot be written", err) from None
                raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction under the lock (a consistent snapshot)."""
        with self._lock:
            conn = self._connection()
            try:
                conn.execute("BEGIN")
                yield conn
            except sqlite3.Error as err:
                raise self._failure("cannot be read", err) from None
            finally:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")

    # -- internals ---------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"{self.path}: the store was closed; open it again")
        return self._conn

    def _prepare(self, conn: sqlite3.Connection) -> None:
        try:
            conn.execute("PRAGMA journal_mode=WAL").fetchall()
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.Error as err:
            if "not a database" in str(err):
                raise StoreError(
                    f"{self.path} is not an SQLite database (found other content): "
                    "move the file away to start afresh, or point daemon.state_dir elsewhere"
                ) from None
            raise self._failure("cannot be opened", err) from None
        known = len(MIGRATIONS)
        if version > known:
            raise StoreError(
                f"{self.path} was written by a newer mall-pa (schema {version}, this one knows "
                f"{known}): upgrade mall-pa, or move the file away to start afresh"
            )
        if version == 0 and tables:
            raise StoreError(
                f"{self.path} is an SQLite database but not mall-pa's (it has {tables} "
                "objects and no schema version): move it away, or point daemon.state_dir "
                "elsewhere"
            )
        for number in range(version, known):
            self._migrate(conn, number)

    def _migrate(self, conn: sqlite3.Connection, number: int) -> None:
        """Apply MIGRATIONS[number] and set the version to number + 1, in one transaction."""
        script = f"BEGIN IMMEDIATE;\n{MIGRATIONS[number]}\nPRAGMA user_version = {number + 1};"
        try:
            conn.executescript(script)
            conn.execute("COMMIT")
        except sqlite3.Error as err:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise self._failure(
                f"could not be brought from schema {number} to {number + 1}", err
            ) from None

    def _failure(self, what: str, err: sqlite3.Error) -> StoreError:
        return StoreError(
            f"{self.path} {what} (SQLite says: {err}): check that the disk has space and that "
            "mall-pa may read and write the file and its folder"
        )
