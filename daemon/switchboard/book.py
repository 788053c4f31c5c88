"""The message pad (S3) and the customer suggestion book (S8): what may be written in them,
a complaint's states and the moves between them, its deadlines and whether it is overdue.
Pure.

A complaint is `new` when recorded, `in_progress` once someone took it up, `answered` once
the caller has had an answer and `closed` when the department head is done with it. It is
due `answer_hours` after it was recorded (the procedures: 24 h) and late after
`limit_hours` (48 h at most); an answer stops the clock, a reopening starts it again.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "HEAD_DUTY",
    "LIMITS",
    "MOVES",
    "STATE_NAMES",
    "BadField",
    "ComplaintState",
    "Deadlines",
    "Standing",
    "check_field",
    "standing",
]

HEAD_DUTY = "负责人"
"""The duty that makes a directory entry its department's head: they see its complaints."""

LIMITS = {
    "caller": 40, "number": 30, "text": 500, "contact": 60, "what": 2000,
    "department": 40, "note": 1000,
}  # fmt: skip
"""The longest each field may be, in characters."""

_LABELS = {
    "caller": "来电人", "number": "电话", "text": "留言内容", "contact": "联系方式",
    "what": "投诉内容", "department": "部门", "note": "跟进记录",
}  # fmt: skip
_MULTILINE = frozenset({"text", "what", "note"})
_OPTIONAL = frozenset({"number", "contact"})
_NUMBER_RE = re.compile(r"[0-9+()\- ]*")


class BadField(ValueError):
    """A field a person filled in wrong: `field` names it, `message` says what to do."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def check_field(field: str, value: str) -> str:
    """`value` without spaces around it, or BadField: empty where it is required, longer
    than LIMITS allows, a control character (line breaks only in the long texts), or a
    phone number with anything but digits, spaces, + - ( )."""
    label, longest = _LABELS[field], LIMITS[field]
    text = value.strip()
    if not text and field not in _OPTIONAL:
        raise BadField(field, f"请填写{label}。")
    if len(text) > longest:
        raise BadField(field, f"{label}最多 {longest} 个字,现在有 {len(text)} 个。")
    allowed = "\n\t" if field in _MULTILINE else ""
    if any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed for ch in text):
        raise BadField(field, f"{label}里有无法显示的控制字符:请重新输入。")
    if field == "number" and not _NUMBER_RE.fullmatch(text):
        raise BadField(field, "电话只能有数字、空格和 + - ( ),例如 13800138000 或 0571-8888 8888。")
    return text


class ComplaintState(enum.StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    CLOSED = "closed"


STATE_NAMES = {
    ComplaintState.NEW: "新登记",
    ComplaintState.IN_PROGRESS: "处理中",
    ComplaintState.ANSWERED: "已答复",
    ComplaintState.CLOSED: "已结案",
}

MOVES: dict[ComplaintState, frozenset[ComplaintState]] = {
    ComplaintState.NEW: frozenset(
        {ComplaintState.IN_PROGRESS, ComplaintState.ANSWERED, ComplaintState.CLOSED}
    ),
    ComplaintState.IN_PROGRESS: frozenset({ComplaintState.ANSWERED, ComplaintState.CLOSED}),
    ComplaintState.ANSWERED: frozenset({ComplaintState.IN_PROGRESS, ComplaintState.CLOSED}),
    ComplaintState.CLOSED: frozenset({ComplaintState.IN_PROGRESS}),  # reopened
}
"""The moves the book allows from each state: forward, or back to in progress (the caller
was not satisfied; a closed complaint reopened)."""


@dataclass(frozen=True, slots=True)
class Deadlines:
    """Hours from recording a complaint to its answer: due, then late (S8: 24 h, 48 h)."""

    answer_hours: float = 24.0
    limit_hours: float = 48.0

    def __post_init__(self) -> None:
        if not 0 < self.answer_hours <= self.limit_hours <= 24 * 30:
            raise ValueError("need 0 < answer_hours <= limit_hours <= 720")


class Standing(enum.StrEnum):
    ON_TIME = "on_time"  # open, and not yet due
    OVERDUE = "overdue"  # open past its answer deadline
    LATE = "late"  # open past the limit
    DONE = "done"  # answered or closed


def standing(
    state: ComplaintState, due_at: float, limit_at: float, now: float
) -> tuple[Standing, float]:
    """(where a complaint stands at `now`, seconds past `due_at`: 0 unless OVERDUE or LATE).

    Only the open states are measured: a complaint reopened after its answer is on the
    department's desk again, against the deadlines it was recorded with."""
    if state in (ComplaintState.ANSWERED, ComplaintState.CLOSED):
        return Standing.DONE, 0.0
    if now >= limit_at:
        return Standing.LATE, now - due_at
    if now >= due_at:
        return Standing.OVERDUE, now - due_at
    return Standing.ON_TIME, 0.0
