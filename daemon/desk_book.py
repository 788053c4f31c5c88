"""The switchboard's book at the desk: messages taken for staff (S3) and the customer
suggestion book (S8).

Who: the desk (announcers, supervisors) takes messages and records complaints; everyone sees
the messages for the directory entry that bears their account's name (or whose id it is) and
marks them read; a department's head (an entry of that department with the duty 负责人,
`daemon.switchboard.book.HEAD_DUTY`) sees and follows up its complaints, the desk all of them.
A complaint's contact is personal data: shown to supervisors and the department's head only,
never logged, and each showing of one is in the audit log (who looked, at which).
`changed(kind)` runs after a message ("messages") or a complaint ("complaints") changed: the
live feeds tell the pages to fetch again, and carry nothing of the content.
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from daemon.accounts import normalize_name
from daemon.recurrence import local_iso
from daemon.spreadsheet import spreadsheet_csv
from daemon.store import Store
from daemon.store.book import ComplaintRecord, MessageRecord, NoteRecord
from daemon.switchboard.book import (
    HEAD_DUTY,
    MOVES,
    STATE_NAMES,
    BadField,
    ComplaintState,
    Deadlines,
    check_field,
    standing,
)
from daemon.switchboard.directory import Directory
from daemon.views import (
    ComplaintIn,
    ComplaintView,
    Conflict,
    Forbidden,
    MessageIn,
    MessageView,
    NoteView,
    NotFound,
    Refused,
    Role,
    User,
)

__all__ = ["BookDesk"]

DAY = 86400.0
BOOK_ROLES = frozenset({Role.ANNOUNCER, Role.SUPERVISOR})
"""The desk: takes messages, records complaints and follows every one up."""


class BookDesk:
    def __init__(
        self,
        store: Store,
        directory: Callable[[], Directory],
        deadlines: Deadlines,
        clock: Callable[[], float],
        zone: Callable[[], ZoneInfo],
        changed: Callable[[str], None],
    ) -> None:
        self.store, self._directory, self.deadlines = store, directory, deadlines
        self._clock, self._zone, self._changed = clock, zone, changed

    # -- messages (S3) -----------------------------------------------------------------------

    def take_message(
        self, user: User, message: MessageIn, address: str
    ) -> tuple[MessageView, bool]:
        """(the message, True if taken now: False for the same one again within 2 minutes)."""
        person = next((p for p in self._directory().people if p.id == message.to), None)
        if person is None:
            raise NotFound("no_person", f"通讯录里没有编号为「{message.to}」的人:请重新搜索。")
        caller, number, text = (
            _checked("caller", message.caller),
            _checked("number", message.number),
            _checked("text", message.text),
        )
        to = (person.id, normalize_name(person.name), person.extension)
        record, created = self.store.add_message(self._clock(), user.name, to, caller, number, text)
        if created:
            self.store.audit(record.taken_at, user.name, address, "message_taken", person.id,
                             {"message": record.id})  # fmt: skip
            self._changed("messages")
        return self._message(record), created

    def desk_messages(self, unread_only: bool = False) -> list[MessageView]:
        """Every unread message and today's (the last 24 hours), newest first."""
        since = float("inf") if unread_only else self._clock() - DAY
        return [self._message(r) for r in self.store.messages(since)]

    def my_messages(self, user: User) -> list[MessageView]:
        """The person's messages: every unread one and the last week's, unread first."""
        found = self.store.messages(self._clock() - 7 * DAY, _keys(user))
        found.sort(key=lambda r: r.read_at is not None)  # stable: newest first within each
        return [self._message(r) for r in found]

    def read_message(self, user: User, message_id: int) -> MessageView:
        record = self.store.mark_read(message_id, _keys(user), self._clock(), user.name)
        if record is None:
            raise NotFound("not_found", "没有这条留言。")
        self._changed("messages")
        return self._message(record)

    # -- complaints (S8) ---------------------------------------------------------------------

    def record_complaint(
        self, user: User, complaint: ComplaintIn, address: str
    ) -> tuple[ComplaintView, bool]:
        caller, contact, what = (
            _checked("caller", complaint.caller),
            _checked("contact", complaint.contact),
            _checked("what", complaint.what),
        )
        department = _checked("department", complaint.department)
        known = self._directory().departments()
        if department not in known:
            shown = "、".join(known) or "(通讯录里还没有部门)"
            raise Refused("unknown_department", f"没有「{department}」这个部门:可选 {shown}。",
                          "department")  # fmt: skip
        now = self._clock()
        due = now + self.deadlines.answer_hours * 3600
        limit = now + self.deadlines.limit_hours * 3600
        fields = (caller, contact, what, department)
        record, created = self.store.add_complaint(now, user.name, fields, due, limit)
        if created:
            self.store.audit(now, user.name, address, "complaint_recorded", str(record.id),
                             {"department": department})  # fmt: skip
            self._changed("complaints")
        return self._complaints(user, [record], address)[0], created

    def complaints(
        self, user: User, state: str | None, department: str | None, open_only: bool,
        address: str,
    ) -> list[ComplaintView]:  # fmt: skip
        """The complaints the person may follow: all for the desk, their departments' for a
        head (Forbidden for anyone else)."""
        allowed = self._departments_of(user)
        if state is not None and state not in STATE_NAMES:
            names = "、".join(s.value for s in ComplaintState)
            raise Refused("unknown_state", f"没有「{state}」这个状态:可选 {names}。", "state")
        wanted = allowed
        if department is not None:
            wanted = (department,) if allowed is None or department in allowed else ()
        records = self.store.complaints(wanted, state, open_only)
        return self._complaints(user, records, address)

    def complaint(self, user: User, complaint_id: int, address: str) -> ComplaintView:
        return self._complaints(user, [self._visible(user, complaint_id)], address)[0]

    def follow_up(
        self, user: User, complaint_id: int, text: str, state: str | None, address: str
    ) -> ComplaintView:
        """Add a note, and move the complaint to `state` if given. Conflict: a move the book
        does not allow, or someone moved it meanwhile."""
        record = self._visible(user, complaint_id)
        note = _checked("note", text)
        move = None
        if state is not None:
            if state not in STATE_NAMES:
                names = "、".join(s.value for s in ComplaintState)
                raise Refused("unknown_state", f"没有「{state}」这个状态:可选 {names}。", "state")
            now_in, to = ComplaintState(record.state), ComplaintState(state)
            if to not in MOVES[now_in]:
                raise Conflict(
                    "bad_move", f"投诉已是「{STATE_NAMES[now_in]}」,不能改为「{STATE_NAMES[to]}」。"
                )
            move = (now_in.value, to.value)
        now = self._clock()
        updated = self.store.add_note(complaint_id, now, user.name, note, move)
        if updated is None:
            raise Conflict("moved_meanwhile", "这条投诉刚被别人改了状态:请刷新后再试。")
        self.store.audit(now, user.name, address, "complaint_followed_up", str(complaint_id),
                         {"state": state})  # fmt: skip
        self._changed("complaints")
        return self._complaints(user, [updated], address)[0]

    def export_complaints(self, user: User, address: str) -> bytes:
        """Every complaint with its notes as CSV (UTF-8 with BOM, as Excel on a Chinese PC
        opens it); a cell a spreadsheet would run as a formula starts with '."""
        views = self._complaints(user, self.store.complaints(limit=100_000), address)
        header = ["编号", "登记时间", "登记人", "来电人", "联系方式", "投诉内容", "部门", "状态",
                  "答复期限", "最迟期限", "是否超时", "跟进记录"]  # fmt: skip
        rows = []
        for v in views:
            notes = "\n".join(f"{_local(n.at)} {n.by}:{n.text}" for n in v.notes)
            late = {"overdue": "已超时", "late": "已超过最迟期限"}.get(v.standing, "")
            rows.append([v.id, _local(v.created_at), v.created_by, v.caller, v.contact or "",
                         v.what, v.department, v.state_name, _local(v.due_at),
                         _local(v.limit_at), late, notes])  # fmt: skip
        return spreadsheet_csv(header, rows)

    # -- helpers -----------------------------------------------------------------------------

    def _departments_of(self, user: User) -> tuple[str, ...] | None:
        """None: every department (the desk); else the departments the person heads."""
        if user.roles & BOOK_ROLES:
            return None
        headed = _heads_of(user, self._directory())
        if not headed:
            raise Forbidden("forbidden", "投诉簿只给服务台、主管和部门负责人看。")
        return tuple(sorted(headed))

    def _visible(self, user: User, complaint_id: int) -> ComplaintRecord:
        allowed = self._departments_of(user)
        record = self.store.complaint(complaint_id)
        if record is None or (allowed is not None and record.department not in allowed):
            raise NotFound("not_found", f"没有第 {complaint_id} 号投诉。")
        return record

    def _complaints(
        self, user: User, records: list[ComplaintRecord], address: str
    ) -> list[ComplaintView]:
        """The views, the contact only where the person may see it; an audit line naming
        every complaint whose contact they were shown."""
        now, zone = self._clock(), self._zone()
        notes = self.store.notes([r.id for r in records])
        heads = _heads_of(user, self._directory()) if Role.SUPERVISOR not in user.roles else None
        views, shown = [], []
        for r in records:
            may_see = heads is None or r.department in heads
            if may_see and r.contact:
                shown.append(r.id)
            views.append(_complaint_view(r, notes[r.id], may_see, now, zone))
        if shown:
            self.store.audit(now, user.name, address, "complaint_contacts_viewed", "",
                             {"complaints": shown})  # fmt: skip
        return views

    def _message(self, r: MessageRecord) -> MessageView:
        zone, now = self._zone(), self._clock()
        unread = None if r.read_at is not None else max(0, int(now - r.taken_at))
        return MessageView(
            r.id, r.to_id, r.to_name, r.extension, r.caller, r.number, r.text,
            local_iso(r.taken_at, zone), r.taken_by,
            None if r.read_at is None else local_iso(r.read_at, zone), unread,
        )  # fmt: skip


def _keys(user: User) -> tuple[str, ...]:
    """What a directory entry's name or id must be for it to be this person's."""
    return tuple(dict.fromkeys((normalize_name(user.name), user.name)))


def _heads_of(user: User, directory: Directory) -> frozenset[str]:
    """The departments whose head (an entry with HEAD_DUTY) is this person."""
    keys = _keys(user)
    return frozenset(
        p.department
        for p in directory.people
        if HEAD_DUTY in p.duties
        and p.department
        and (normalize_name(p.name) in keys or p.id in keys)
    )


def _checked(field: str, value: str) -> str:
    try:
        return check_field(field, value)
    except BadField as bad:
        raise Refused("bad_field", bad.message, bad.field) from None


def _complaint_view(
    r: ComplaintRecord, notes: list[NoteRecord], may_see: bool, now: float, zone: ZoneInfo
) -> ComplaintView:
    state = ComplaintState(r.state)
    stands, late = standing(state, r.due_at, r.limit_at, now)
    shown_notes = tuple(NoteView(local_iso(n.at, zone), n.by, n.text, n.state) for n in notes)
    return ComplaintView(
        r.id, r.caller, r.contact if may_see else None, not may_see and bool(r.contact),
        r.what, r.department, r.state, STATE_NAMES[state], local_iso(r.created_at, zone),
        r.created_by, local_iso(r.due_at, zone), local_iso(r.limit_at, zone), stands.value,
        int(late), shown_notes,
    )  # fmt: skip


def _local(iso: str) -> str:
    """2026-11-23T10:00:00+08:00 as a spreadsheet shows a time: 2026-11-23 10:00."""
    return iso[:16].replace("T", " ")
