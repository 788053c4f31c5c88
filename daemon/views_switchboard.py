"""The switchboard's views (S1-S8): the greeting, directory entries, a foreign-language call,
messages and complaints as the API shows them, and what a person sends to take one.
Re-exported by `daemon.views`, the API's door. Times are ISO 8601 in the store's zone."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ComplaintIn",
    "ComplaintView",
    "DirectoryEntryView",
    "ForeignCallView",
    "GreetingView",
    "MessageIn",
    "MessageView",
    "NoteView",
    "ReferenceView",
]


@dataclass(frozen=True, slots=True)
class GreetingView:
    text: str  # "欧洲村,您早!" before the cut-over, "欧洲村,您好!" from it (S1)
    morning: bool
    changes_at: str  # ISO, the store's time: when the phrase next changes


@dataclass(frozen=True, slots=True)
class DirectoryEntryView:
    """A person found in the staff directory (S2, S5), and why they were found."""

    id: str
    name: str
    extension: str
    department: str
    duties: tuple[str, ...]
    languages: tuple[str, ...]  # ISO 639 codes
    hours: str  # "周一至周五 09:00-18:00", "" for no fixed hours
    on_duty: bool | None  # now, on the store's clock; None: no fixed hours
    internal: bool  # internal only: never given to an outside caller
    note: str
    why: str  # extension, name, pinyin, initials, department, duty, sound, language
    matched: str


@dataclass(frozen=True, slots=True)
class ForeignCallView:
    """S5: what to say to a caller in `language`, and who on duty speaks it."""

    code: str
    language: str  # 英语
    english: str  # "Sorry, I can't speak English, please wait a moment."
    native: str  # the same in that language, where known
    speakers: tuple[DirectoryEntryView, ...]  # on duty first


@dataclass(frozen=True, slots=True)
class ReferenceView:
    """What the switchboard console shows beside the calls: the operator's lines, the
    directory's departments (for routing a complaint), the languages, the deadlines."""

    lines: dict[str, str]  # transfer, no_answer, callback, complaint, confidential
    departments: tuple[str, ...]
    languages: tuple[tuple[str, str], ...]  # (ISO 639 code, its name in Chinese)
    answer_hours: float
    limit_hours: float
    people: int  # how many the directory holds


@dataclass(frozen=True, slots=True)
class MessageIn:
    """A message taken for someone whose extension did not answer (S3)."""

    to: str  # the directory entry's id
    caller: str
    number: str = ""
    text: str = ""


@dataclass(frozen=True, slots=True)
class MessageView:
    id: int
    to: str  # directory id
    to_name: str
    extension: str
    caller: str
    number: str
    text: str
    taken_at: str
    taken_by: str
    read_at: str | None
    unread_seconds: int | None  # how long it has waited unread; None once read


@dataclass(frozen=True, slots=True)
class ComplaintIn:
    """A complaint call, for the customer suggestion book (S8)."""

    caller: str
    contact: str
    what: str
    department: str


@dataclass(frozen=True, slots=True)
class NoteView:
    at: str
    by: str
    text: str
    state: str | None  # the state the note moved the complaint to


@dataclass(frozen=True, slots=True)
class ComplaintView:
    id: int
    caller: str
    contact: str | None  # None: this viewer may not see it (personal data)
    contact_hidden: bool
    what: str
    department: str
    state: str  # new, in_progress, answered, closed
    state_name: str  # 新登记, 处理中, 已答复, 已结案
    created_at: str
    created_by: str
    due_at: str  # the answer is due (24 h)
    limit_at: str  # late from here on (48 h)
    standing: str  # on_time, overdue, late, done
    overdue_seconds: int
    notes: tuple[NoteView, ...]
