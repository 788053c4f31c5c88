"""Request and response bodies of the switchboard's book: messages (S3), complaints (S8),
and the console's reference. Strings are bounded here loosely (what a request may carry at
all); the control checks each field's own limit and says which field, in Chinese."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from api.schemas import RequestBody, ResponseBody, encodable

__all__ = [
    "ComplaintIn",
    "ComplaintOut",
    "FollowUpIn",
    "LanguageOut",
    "MessageIn",
    "MessageOut",
    "NoteOut",
    "ReferenceOut",
]

_Clean = AfterValidator(encodable)
Short = Annotated[str, Field(max_length=200), _Clean]
Long = Annotated[str, Field(max_length=4000), _Clean]
State = Literal["new", "in_progress", "answered", "closed"]


class MessageIn(RequestBody):
    to: Annotated[str, Field(min_length=1, max_length=40), _Clean]  # the directory entry's id
    caller: Short
    number: Short = ""
    text: Long


class MessageOut(ResponseBody):
    id: int
    to: str
    to_name: str
    extension: str
    caller: str
    number: str
    text: str
    taken_at: str
    taken_by: str
    read_at: str | None
    unread_seconds: int | None


class ComplaintIn(RequestBody):
    caller: Short
    contact: Short = ""
    what: Long
    department: Short


class FollowUpIn(RequestBody):
    text: Long
    state: State | None = None  # move the complaint to this state too


class NoteOut(ResponseBody):
    at: str
    by: str
    text: str
    state: str | None


class ComplaintOut(ResponseBody):
    id: int
    caller: str
    contact: str | None
    contact_hidden: bool
    what: str
    department: str
    state: str
    state_name: str
    created_at: str
    created_by: str
    due_at: str
    limit_at: str
    standing: Literal["on_time", "overdue", "late", "done"]
    overdue_seconds: int
    notes: list[NoteOut]


class LanguageOut(ResponseBody):
    code: str
    name: str


class ReferenceOut(ResponseBody):
    lines: dict[str, str]
    departments: list[str]
    languages: list[LanguageOut]
    answer_hours: float
    limit_hours: float
    people: int
