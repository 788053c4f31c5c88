"""The scripts workflow at the desk (B6): marketing drafts and submits campaign and fixed
scripts, planners approve or reject them, and approval writes the script into the library.

Every script a person sends is checked as approval will take it (`daemon.script_checks`),
nothing stored if it has problems. A trained announcer's recording (B7) waits beside the
store until approval. Approval moves the version first (two planners at once: the second is
told), then writes its recording and `<library>/<id>.toml` atomically with `approved_by` and
`approved_at`; a write that fails moves it back and says why. Retiring takes the files out.
Each step is in the version's history and the audit log.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from daemon.library import (
    RECORDING,
    approved_fields,
    file_for,
    keep_recording,
    recording_file,
    recordings_of,
    remove_script,
    script_text,
    write_script,
)
from daemon.model import Script
from daemon.recurrence import local_iso
from daemon.script_checks import SERVER_KEYS, checked
from daemon.script_workflow import (
    STATE_NAMES,
    DraftState,
    NotAllowed,
    Version,
    approve,
    edit,
    reject,
    retire,
    submit,
)
from daemon.speech.recording import RecordingRefused, decode_recording
from daemon.store import Store, VersionRecord
from daemon.views import (
    Conflict,
    ControlError,
    Forbidden,
    NotFound,
    Refused,
    ScriptStepView,
    ScriptVersionView,
    Unavailable,
    User,
)

__all__ = ["ScriptsDesk"]

T = TypeVar("T")
_OPEN = ("draft", "submitted", "rejected")  # a version still on its way to the library
_STEPS = {"script_saved": "edit", "script_recorded": "record", "script_unrecorded": "unrecord"}
"""The step in a version's history of each change of its fields (by its audit action)."""


class ScriptsDesk:
    def __init__(
        self,
        store: Store,
        library: Path | None,
        names: Callable[[], tuple[tuple[str, ...], tuple[str, ...]]],
        clock: Callable[[], float],
        zone: Callable[[], ZoneInfo],
        min_gap_minutes: float = 0.0,
    ) -> None:
        """`library`: the folder approval writes into (None: approval is refused);
        `names()`: the config's (zones, dayparts), which scripts may name; `min_gap_minutes`:
        the config's least time between two campaign announcements."""
        self.store, self.library, self._names = store, library, names
        self._clock, self._zone, self._min_gap = clock, zone, min_gap_minutes

    def versions(self, user: User, state: str | None = None) -> list[ScriptVersionView]:
        if state is not None and state not in STATE_NAMES:
            names = "、".join(s.value for s in DraftState)
            raise Refused("unknown_state", f"没有「{state}」这个状态:可选 {names}。", "state")
        return [self._view(r) for r in self.store.versions(state)]

    def version(self, user: User, version_id: int) -> ScriptVersionView:
        return self._view(self._record(version_id))

    def save(
        self, user: User, fields: dict[str, Any], version_id: int | None, address: str
    ) -> ScriptVersionView:
        """A new script (`version_id` None), or an edit of a version: a draft, a rejected or
        a submitted one (withdrawn) is changed; an approved one gets a new version. The
        version's recording (`record`) stays with it while its text stays the same: a new
        text needs a new recording."""
        record = None if version_id is None else self._record(version_id)
        fields = {k: v for k, v in fields.items() if k not in SERVER_KEYS}
        if (
            record is not None
            and "audio" in record.fields
            and (
                fields.get("text") == record.fields.get("text")  # the recording says this text
            )
        ):
            fields.update((k, record.fields[k]) for k in ("audio", "recorded_by"))
        return self._save(user, fields, record, address, "script_saved")

    def record(
        self, user: User, version_id: int, data: bytes, filename: str, address: str
    ) -> ScriptVersionView:
        """The trained announcer's own recording airs instead of the text's speech (B7): an
        edit of the version (of an approved one: a new version, approved again). Raises
        Forbidden (`not_trained`), Refused (`recording_<why>`: empty, silent, too short or
        long, not a format we read)."""
        if not user.trained:
            raise Forbidden("not_trained", "只有受过训练的播音员才能用自己的录音播出(B7)。")
        record = self._record(version_id)
        try:
            audio = decode_recording(data, name=filename or "录音")
        except RecordingRefused as refusal:
            raise Refused(f"recording_{refusal.code}", refusal.message, "audio") from None
        name = keep_recording(self._recordings(), audio)
        fields = {**record.fields, "audio": name, "recorded_by": user.name}
        return self._save(user, fields, record, address, "script_recorded")

    def recording(self, user: User, version_id: int) -> Path:
        """The version's recording (a WAV), to listen to. Raises NotFound (none)."""
        record = self._record(version_id)
        name = str(record.fields.get("audio", ""))
        path = self._recordings() / name
        if not RECORDING.fullmatch(name) or not path.is_file():
            raise NotFound("no_recording", f"第 {version_id} 号广播稿版本没有录音。")
        return path

    def unrecord(self, user: User, version_id: int, address: str) -> ScriptVersionView:
        """Take the recording off the version: its text airs in the standard voice."""
        record = self._record(version_id)
        fields = {k: v for k, v in record.fields.items() if k not in ("audio", "recorded_by")}
        return self._save(user, fields, record, address, "script_unrecorded")

    def _save(
        self, user: User, fields: dict[str, Any], record: VersionRecord | None, address: str,
        action: str,
    ) -> ScriptVersionView:  # fmt: skip
        now_in = None if record is None else Version(DraftState(record.state), record.submitted_by)
        state, new = _allowed(lambda: edit(user.roles, now_in))
        kind = str(fields.get("kind", ""))
        clean = self._checked(fields)
        if record is not None and clean["id"] != record.script_id:
            raise Refused("id_changed", f"广播稿编号是「{record.script_id}」,不能改。", "id")
        now, step = self._clock(), _STEPS[action]
        if record is None:
            self._id_free(str(clean["id"]))
            saved: VersionRecord | None = self.store.new_version(
                str(clean["id"]), kind, clean, now, user.name, step
            )
        elif new:
            self._no_newer(record)
            saved = self.store.new_version(record.script_id, kind, clean, now, user.name, step)
        else:
            saved = self.store.save_version(
                record.id, record.state, kind, clean, now, user.name, step
            )
        if saved is None:
            raise _moved()
        self.store.audit(now, user.name, address, action, saved.script_id,
                         {"version": saved.version, "state": state.value})  # fmt: skip
        return self._view(saved)

    def submit(self, user: User, version_id: int, address: str) -> ScriptVersionView:
        record = self._record(version_id)
        state = _allowed(lambda: submit(user.roles, _version(record)))
        self._checked(record.fields)  # the config may have changed since it was saved
        return self._move(user, record, state, "submit", "", address)

    def approve(self, user: User, version_id: int, address: str) -> ScriptVersionView:
        record = self._record(version_id)
        state = _allowed(lambda: approve(user.roles, user.name, _version(record)))
        fields = self._checked(record.fields)
        library = self._library()
        day = datetime.fromtimestamp(self._clock(), self._zone()).date()
        moved = self._move(user, record, state, "approve", "", address)
        approved = approved_fields(fields, user.name, day)
        note = f"经 mall-pa 批准:第 {record.version} 版,{user.name},{day.isoformat()}"
        wav = recording_file(library, record.script_id, record.version)
        try:
            if "audio" in approved:  # the recording first: the file names it once it is there
                write_script(wav, (self._recordings() / str(approved["audio"])).read_bytes())
                approved["audio"] = wav.name
            write_script(file_for(library, record.script_id), script_text(approved, note))
        except OSError as err:
            with contextlib.suppress(OSError):
                wav.unlink(missing_ok=True)  # the file on air still names its own
            self.store.move_version(record.id, "approved", "submitted", "unapprove",
                                    self._clock(), user.name, str(err))  # fmt: skip
            raise Unavailable(
                "library_unwritable",
                f"无法写入广播稿库 {library}({err.strerror or err}):没有批准,请通知 IT。",
            ) from None
        for old in recordings_of(library, record.script_id):
            if old.name != approved.get("audio"):
                remove_script(old)  # the versions before: no file names them any more
        return moved

    def reject(self, user: User, version_id: int, reason: str, address: str) -> ScriptVersionView:
        record = self._record(version_id)
        state = _allowed(lambda: reject(user.roles, user.name, _version(record), reason))
        return self._move(user, record, state, "reject", reason.strip(), address)

    def retire(self, user: User, version_id: int, address: str) -> ScriptVersionView:
        record = self._record(version_id)
        state = _allowed(lambda: retire(user.roles, _version(record)))
        library = self._library()
        moved = self._move(user, record, state, "retire", "", address)
        remove_script(file_for(library, record.script_id))
        for old in recordings_of(library, record.script_id):
            remove_script(old)
        return moved

    def candidate(self, version_id: int) -> tuple[VersionRecord, Script]:
        """The version and the script it makes (for a preview). Raises NotFound, BadFile."""
        record = self._record(version_id)
        return record, self._script(record.fields, "不能预览")[1]

    # -- helpers -----------------------------------------------------------------------------

    def _checked(self, fields: dict[str, Any]) -> dict[str, Any]:
        """The fields without empty ones, checked as the library loader reads them."""
        return self._script(fields)[0]

    def _script(
        self, fields: dict[str, Any], refused: str = "没有保存"
    ) -> tuple[dict[str, Any], Script]:
        """(the fields without empty ones, the script they make), as approval will take them."""
        today = datetime.fromtimestamp(self._clock(), self._zone()).date()
        return checked(fields, self._names(), self._recordings(), today, self._min_gap, refused)

    def _recordings(self) -> Path:
        """Where the versions' recordings wait for approval: beside the store."""
        return self.store.path.parent / "script-recordings"

    def _library(self) -> Path:
        if self.library is None:
            raise Unavailable("no_library", "没有配置广播稿库([library] scripts):请通知 IT。")
        return self.library

    def _id_free(self, script_id: str) -> None:
        taken = self.library is not None and file_for(self.library, script_id).exists()
        if taken or self.store.versions(script_id=script_id):
            raise Conflict("id_taken", f"编号「{script_id}」已经有广播稿在用:请换一个编号。")

    def _no_newer(self, record: VersionRecord) -> None:
        """An approved version is changed once at a time: a newer one still in the workflow
        (a draft, submitted, rejected) is where the change goes."""
        for other in self.store.versions(script_id=record.script_id):
            if other.version > record.version and other.state in _OPEN:
                state = STATE_NAMES[DraftState(other.state)]
                raise Conflict("newer_version", f"「{record.script_id}」的第 {other.version} 版"
                               f"({state})已经在改:请在那一版上改。")  # fmt: skip

    def _record(self, version_id: int) -> VersionRecord:
        record = self.store.version(version_id)
        if record is None:
            raise NotFound("not_found", f"没有第 {version_id} 号广播稿版本。")
        return record

    def _move(
        self, user: User, record: VersionRecord, state: DraftState, action: str, reason: str,
        address: str,
    ) -> ScriptVersionView:  # fmt: skip
        now = self._clock()
        moved = self.store.move_version(
            record.id, record.state, state.value, action, now, user.name, reason
        )
        if moved is None:
            raise _moved()
        self.store.audit(now, user.name, address, f"script_{action}", record.script_id,
                         {"version": record.version})  # fmt: skip
        return self._view(moved)

    def _view(self, r: VersionRecord) -> ScriptVersionView:
        zone = self._zone()
        steps = tuple(
            ScriptStepView(local_iso(e.at, zone), e.by, e.action, e.state, e.reason)
            for e in self.store.script_history(r.id)
        )
        return ScriptVersionView(
            r.id, r.script_id, r.version, r.kind, str(r.fields.get("title", "")), r.state,
            STATE_NAMES[DraftState(r.state)], r.fields, r.author, local_iso(r.created_at, zone),
            local_iso(r.updated_at, zone), r.submitted_by, _iso_or_none(r.submitted_at, zone),
            r.decided_by, _iso_or_none(r.decided_at, zone), r.reason, steps,
        )  # fmt: skip


def _version(record: VersionRecord) -> Version:
    return Version(DraftState(record.state), record.submitted_by)


def _allowed(rule: Callable[[], T]) -> T:
    """The rule's answer, or its refusal as the control error of the same status."""
    try:
        return rule()
    except NotAllowed as no:
        error: ControlError
        if no.status == 403:
            error = Forbidden(no.code, no.message)
        elif no.status == 422:
            error = Refused(no.code, no.message, no.field)
        else:
            error = Conflict(no.code, no.message)
        raise error from None


def _moved() -> Conflict:
    return Conflict("moved_meanwhile", "这份广播稿刚被别人改过:请刷新后再看。")


def _iso_or_none(at: float | None, zone: ZoneInfo) -> str | None:
    return None if at is None else local_iso(at, zone)
