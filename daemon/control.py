"""The control facade: the one thing the API calls (B15: every call names who asks).

Every command is validated, written to the store, handed to the playing side and only then
acknowledged; every read comes from the snapshot the playing side publishes. A method
either returns a view (`daemon.views`) or raises a `ControlError` (nothing changed).
`address` is the client's IP address, for the audit log and the login throttle.

The API depends on the `Control` protocol only; the service implements it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from daemon.views import (
    ComplaintIn,
    ComplaintView,
    DirectoryEntryView,
    EmergencyView,
    EventView,
    ForeignCallView,
    GreetingView,
    Health,
    MessageIn,
    MessageView,
    PageIn,
    PageView,
    PagingForm,
    PlaysReport,
    PresetView,
    PreviewView,
    RecordingIn,
    ReferenceView,
    ReportFile,
    ScriptVersionView,
    SessionView,
    StatusView,
    User,
)

__all__ = [
    "BookControl",
    "Control",
    "Feed",
    "PreviewsControl",
    "ReportsControl",
    "ScriptsControl",
    "SwitchboardControl",
]


class Feed(Protocol):
    """Server-sent events for one client: iterate in the event loop; `close()` when gone."""

    def __aiter__(self) -> AsyncIterator[EventView]: ...

    def close(self) -> None: ...


class Control(Protocol):
    # -- accounts and sessions (B15) ---------------------------------------------------------

    def needs_setup(self) -> bool:
        """True while no admin account exists (first run)."""
        ...

    def setup(self, setup_token: str, name: str, password: str, address: str) -> SessionView:
        """Create the first admin with the one-time token printed on the log; log them in.
        Raises Forbidden (wrong or used token, or an admin exists), Refused (bad name/password)."""
        ...

    def login(self, name: str, password: str, address: str) -> SessionView:
        """Raises LoginRefused (wrong, disabled, or slowed down: `retry_after`)."""
        ...

    def logout(self, token: str, address: str) -> None: ...

    def session_user(self, token: str) -> tuple[User, str] | None:
        """(the user, the session's CSRF token) of a live session token, else None."""
        ...

    # -- pages (B11) -------------------------------------------------------------------------

    def paging_form(self) -> PagingForm:
        """The kinds of page, their fields, the honorifics and places the rules accept."""
        ...

    def preview_page(self, user: User, page: PageIn) -> str:
        """The exact words that would be read. Raises Refused(code, message, field)."""
        ...

    def paging_closed(self) -> str:
        """Why no page can go out now (outside business hours, B16), in words for the phone;
        "" while the store is open."""
        ...

    def submit_page(
        self,
        user: User,
        page: PageIn,
        address: str,
        idempotency_key: str | None = None,
        recording: RecordingIn | None = None,
    ) -> tuple[PageView, bool]:
        """(the page, True if created now); a retry with the same key, or the same page by the
        same person within 2 minutes, returns the first (False). With `recording`, the
        trained announcer's own voice airs from the start (B7). Raises Refused, TooMany,
        Conflict (outside business hours), Forbidden (a recording, not trained), Busy."""
        ...

    def page(self, user: User, page_id: str) -> PageView:
        """Raises NotFound (also for another person's page, unless `user.desk`)."""
        ...

    def pages(self, user: User, state: str | None = None, day: str | None = None) -> list[PageView]:
        """The day's pages (default today), the person's own unless `user.desk`."""
        ...

    def cancel_page(self, user: User, page_id: str, address: str) -> PageView:
        """Raises NotFound, Conflict (on air: it finishes, B12; already aired)."""
        ...

    def record_page(
        self, user: User, page_id: str, data: bytes, filename: str, address: str
    ) -> PageView:
        """Air the announcer's own recording instead of the synthetic voice (B7).
        Raises Forbidden (not trained), NotFound, Conflict (not queued), Refused (bad audio)."""
        ...

    # -- emergencies -------------------------------------------------------------------------

    def presets(self) -> list[PresetView]: ...

    def start_emergency(
        self, user: User, script_id: str, address: str
    ) -> tuple[EmergencyView, bool]:
        """(the emergency, whether started now: False when it was on already).
        Raises NotFound (no such approved preset), Busy."""
        ...

    def clear_emergency(self, user: User, script_id: str | None, address: str) -> EmergencyView:
        """Raises Conflict when none is active."""
        ...

    # -- the switchboard (S1-S8) -------------------------------------------------------------

    @property
    def switchboard(self) -> SwitchboardControl:
        """The greeting, the staff directory, foreign-language calls."""
        ...

    @property
    def book(self) -> BookControl:
        """The message pad and the complaint book."""
        ...

    # -- scripts (B6) ------------------------------------------------------------------------

    @property
    def scripts(self) -> ScriptsControl:
        """Marketing's scripts on their way to the library, and the planners' decisions."""
        ...

    @property
    def previews(self) -> PreviewsControl:
        """A script version simulated over its dates before approval, and heard."""
        ...

    # -- reports ------------------------------------------------------------------------------

    @property
    def reports(self) -> ReportsControl:
        """Proof of play, from the as-run log."""
        ...

    # -- reading -----------------------------------------------------------------------------

    def status(self) -> StatusView: ...

    def timeline(self, day: str | None = None) -> list[dict[str, object]]:
        """The as-run log of `day` (default today), one dict per entry, as in the JSON lines.
        Raises Refused for a malformed day."""
        ...

    def subscribe(self) -> Feed:
        """A feed of events from now on; call from the event loop."""
        ...

    def health(self) -> Health:
        """ok while audio flows; else the reason."""
        ...


class SwitchboardControl(Protocol):
    """The switchboard's reference: any signed-in user reads it; admins manage the directory."""

    def greeting(self, at: datetime | None = None) -> GreetingView:
        """S1: the greeting for `at` (an aware instant; default now)."""
        ...

    def directory(self, user: User, query: str, limit: int = 20) -> list[DirectoryEntryView]:
        """The staff directory's people for `query`, the best first (S2, S5)."""
        ...

    def foreign_call(self, user: User, language: str) -> ForeignCallView:
        """S5: what to say in `language` and who on duty speaks it. NotFound: no such
        language."""
        ...

    def reference(self) -> ReferenceView:
        """The operator's lines, the directory's departments, the languages, the deadlines."""
        ...

    def import_directory(self, user: User, data: bytes, address: str) -> int:
        """Replace the directory with a CSV file; how many people. Raises BadFile (every bad
        row named, nothing taken), Refused (no one in it)."""
        ...

    def export_directory(self, user: User, address: str) -> bytes:
        """The directory as CSV (UTF-8 with BOM)."""
        ...


class BookControl(Protocol):
    """Messages for staff (S3) and the customer suggestion book (S8). Raises Refused
    (`bad_field` naming the field), NotFound, Forbidden, Conflict."""

    def take_message(
        self, user: User, message: MessageIn, address: str
    ) -> tuple[MessageView, bool]:
        """(the message, True if taken now; the same again within 2 minutes: the first)."""
        ...

    def desk_messages(self, unread_only: bool = False) -> list[MessageView]:
        """Every unread message and the last day's, newest first (the desk)."""
        ...

    def my_messages(self, user: User) -> list[MessageView]:
        """The messages for the directory entry with the person's name, unread first."""
        ...

    def read_message(self, user: User, message_id: int) -> MessageView:
        """Mark one of the person's messages read. NotFound: not theirs."""
        ...

    def record_complaint(
        self, user: User, complaint: ComplaintIn, address: str
    ) -> tuple[ComplaintView, bool]:
        """(the complaint, True if recorded now). Refused: an unknown department."""
        ...

    def complaints(
        self, user: User, state: str | None, department: str | None, open_only: bool,
        address: str,
    ) -> list[ComplaintView]:  # fmt: skip
        """All for the desk, a head's departments' for a head; Forbidden for anyone else."""
        ...

    def complaint(self, user: User, complaint_id: int, address: str) -> ComplaintView: ...

    def follow_up(
        self, user: User, complaint_id: int, text: str, state: str | None, address: str
    ) -> ComplaintView:
        """Add a note, optionally moving the state. Conflict: a move not allowed."""
        ...

    def export_complaints(self, user: User, address: str) -> bytes:
        """Every complaint and its notes as CSV (UTF-8 with BOM)."""
        ...


class ReportsControl(Protocol):
    """Proof of play (issue 13): per campaign and store-local day, plays in full, cuts by an
    emergency and other cuts, with when each aired, counted from the as-run log alone.
    Marketing, planners and supervisors; Forbidden for anyone else. `first`, `last`: days
    (YYYY-MM-DD, both included, at most 366; default the seven days to today); `campaign`:
    one campaign's id (None or "": every one that aired in the range). Raises Refused naming
    the field (`from`, `to`, `campaign`): a malformed day, a range backwards or too long, an
    unknown campaign."""

    def plays(
        self, user: User, first: str | None, last: str | None, campaign: str | None
    ) -> PlaysReport: ...

    def export_plays(
        self, user: User, first: str | None, last: str | None, campaign: str | None
    ) -> ReportFile:
        """The same as CSV, one row per campaign per day: UTF-8 with BOM, no cell a
        spreadsheet would run."""
        ...


class ScriptsControl(Protocol):
    """B6: campaign and fixed scripts from marketing's draft to the library. Raises
    Forbidden (not this person's step, or their own submission), Conflict (not in a state
    that allows it, or someone else was first), BadFile (`bad_script`: every problem named,
    nothing stored), Refused, NotFound, Unavailable (the library could not be written)."""

    def versions(self, user: User, state: str | None = None) -> list[ScriptVersionView]: ...

    def version(self, user: User, version_id: int) -> ScriptVersionView: ...

    def save(
        self, user: User, fields: dict[str, Any], version_id: int | None, address: str
    ) -> ScriptVersionView:
        """A new draft (`version_id` None) or an edit; an approved one gets a new version."""
        ...

    def submit(self, user: User, version_id: int, address: str) -> ScriptVersionView: ...

    def approve(self, user: User, version_id: int, address: str) -> ScriptVersionView:
        """Approve and write the script into the library atomically."""
        ...

    def reject(
        self, user: User, version_id: int, reason: str, address: str
    ) -> ScriptVersionView: ...

    def retire(self, user: User, version_id: int, address: str) -> ScriptVersionView:
        """Take an approved script out of the library."""
        ...

    def record(
        self, user: User, version_id: int, data: bytes, filename: str, address: str
    ) -> ScriptVersionView:
        """A trained announcer's own recording airs instead of the text (B7): an edit.
        Raises Forbidden (`not_trained`), Refused (`recording_<why>`)."""
        ...

    def recording(self, user: User, version_id: int) -> Path:
        """The version's recording, a WAV file. Raises NotFound (`no_recording`)."""
        ...

    def unrecord(self, user: User, version_id: int, address: str) -> ScriptVersionView:
        """Back to the text in the standard voice: an edit."""
        ...


class PreviewsControl(Protocol):
    """B5, B6: how a script version would air with the current schedule, before approval.
    Reads only. Raises NotFound, BadFile (the version has problems), Unavailable (no
    previews on this service)."""

    def preview(self, user: User, version_id: int) -> PreviewView:
        """Each day of its dates from today (at most 62): plays asked for and aired, when,
        and what other campaigns lose; with the store's typical pages."""
        ...

    def listen(self, user: User, version_id: int) -> Path:
        """A WAV file of the break of its first play, with the music either side. Raises
        Conflict (`never_airs`)."""
        ...
