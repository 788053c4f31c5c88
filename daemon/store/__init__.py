"""mall-pa's durable state: one SQLite file (WAL, synchronous=FULL) under `daemon.state_dir`.

`Store(path)` opens or creates the file and brings its schema up to date; every public method
is one transaction and may be called from any thread. Errors a person can act on are
`StoreError`; `DuplicatePage` and `DuplicateUser` are the UNIQUE constraints speaking.
"""

from __future__ import annotations

from daemon.store.asrun import AsRunStore
from daemon.store.book import ComplaintRecord, MessageRecord, NoteRecord, SwitchboardBook
from daemon.store.db import MIGRATIONS, StoreError
from daemon.store.drafts import DraftStore, ScriptEvent, VersionRecord
from daemon.store.pages import DuplicatePage, EmergencyRecord, PageRecord, PageStore
from daemon.store.switchboard import SwitchboardStore
from daemon.store.users import AuditRecord, DuplicateUser, SessionRecord, UserRecord, UserStore

__all__ = [
    "MIGRATIONS",
    "AuditRecord",
    "ComplaintRecord",
    "DuplicatePage",
    "DuplicateUser",
    "EmergencyRecord",
    "MessageRecord",
    "NoteRecord",
    "PageRecord",
    "ScriptEvent",
    "SessionRecord",
    "Store",
    "StoreError",
    "UserRecord",
    "VersionRecord",
]


class Store(PageStore, AsRunStore, UserStore, SwitchboardStore, SwitchboardBook, DraftStore):
    """Pages and emergencies, the as-run log and heartbeat, users, sessions and audit, the
    switchboard's directory, messages and complaints, script versions on their way to the
    library.

    `Store(path)` creates missing parent folders; the connection runs with
    `synchronous=FULL` throughout, so every method that returns has reached the disk.
    Use as a context manager or call `close()`; `checkpoint()` is the nightly upkeep.
    """
