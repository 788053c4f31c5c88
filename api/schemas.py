"""Request and response bodies (pydantic v2), and the error responses each route declares.

Request bodies forbid unknown fields, take strict types (`urgent` is `true`/`false`, never
`"yes"` or `1`), bound every string and refuse text that cannot be encoded (a lone surrogate).
Response models mirror `daemon.views` and are built from the views with `model_validate`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from daemon.views import PageState, Role

__all__ = [
    "DATE_PATTERN",
    "CheckOut",
    "EmergencyIn",
    "EmergencyOut",
    "ErrorOut",
    "HealthOut",
    "LoginIn",
    "MeOut",
    "NowPlayingOut",
    "OutputOut",
    "PageKindOut",
    "PageOut",
    "PageRequest",
    "PagingFormOut",
    "PresetOut",
    "PreviewOut",
    "RequestBody",
    "ResponseBody",
    "SessionOut",
    "SetupIn",
    "SetupNeededOut",
    "StatusOut",
    "TimelineOut",
    "UpcomingOut",
    "UserOut",
    "check_date",
    "encodable",
    "errors",
]

DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def encodable(text: str) -> str:
    """`text` if it can be written as UTF-8 (no lone surrogate), else a ValueError."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("含有无效的字符") from None
    return text


def check_date(value: str | None) -> str | None:
    """A real calendar day as YYYY-MM-DD (the pattern alone lets 2026-13-45 through)."""
    if value is not None:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise ValueError("不是有效的日期(格式 YYYY-MM-DD)") from None
    return value


def check_instant(value: str | None) -> str | None:
    """An ISO date and time from 2000 to 2099 (an offset optional)."""
    if value is not None:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("不是有效的时间(格式如 2026-12-01T09:59:59+08:00)") from None
        if not 2000 <= parsed.year <= 2099:
            raise ValueError("时间要在 2000 年到 2099 年之间")
    return value


_Clean = AfterValidator(encodable)
Name = Annotated[str, Field(max_length=40), _Clean]
Place = Annotated[str, Field(max_length=60), _Clean]
Note = Annotated[str, Field(max_length=80), _Clean]
Honorific = Annotated[str, Field(max_length=10), _Clean]
Plate = Annotated[str, Field(max_length=20), _Clean]
AccountName = Annotated[str, Field(min_length=1, max_length=40), _Clean]
Password = Annotated[str, Field(min_length=1, max_length=200), _Clean]
SetupToken = Annotated[str, Field(min_length=1, max_length=200), _Clean]
ScriptId = Annotated[str, Field(min_length=1, max_length=100), _Clean]


class RequestBody(BaseModel):
    """A request body: unknown fields refused, strict types."""

    model_config = ConfigDict(extra="forbid", strict=True)


class LoginIn(RequestBody):
    name: AccountName
    password: Password


class SetupIn(RequestBody):
    token: SetupToken
    name: AccountName
    password: Password


class PageRequest(RequestBody):
    """A page as the phone form sends it (B11: the control words it from a template)."""

    kind: Literal["customer", "staff", "lost_child", "vehicle"]
    name: Name = ""
    honorific: Honorific = ""
    place: Place = ""
    plate: Plate = ""
    note: Note = ""
    urgent: bool | None = None


class EmergencyIn(RequestBody):
    script: ScriptId


class ClearIn(RequestBody):
    script: ScriptId | None = None  # the preset to clear; may be left out if only one is on


class ResponseBody(BaseModel):
    """A response body, built from a `daemon.views` value with `model_validate`."""

    model_config = ConfigDict(from_attributes=True)


class ErrorOut(BaseModel):
    code: str
    message: str
    field: str | None = None
    retry_after: int | None = None


class UserOut(ResponseBody):
    name: str
    roles: list[Role]
    trained: bool


class SessionOut(ResponseBody):
    token: str
    csrf: str
    expires_at: str
    user: UserOut


class MeOut(ResponseBody):
    name: str
    roles: list[Role]
    trained: bool
    csrf: str


class SetupNeededOut(ResponseBody):
    needed: bool


class PreviewOut(ResponseBody):
    text: str
    closed: str = Field(
        description='why it could not go out now (outside business hours), "" while open'
    )


class PageOut(ResponseBody):
    id: str
    kind: str
    state: PageState
    text: str
    urgent: bool
    requested_at: str
    requested_by: str
    duration_seconds: float
    position: int | None
    eta_seconds: float | None
    airs_after: str
    aired_at: str | None
    finished_at: str | None
    reason: str
    recorded_by: str


class PageKindOut(ResponseBody):
    kind: str
    label: str
    fields: list[str]
    urgent: bool


class PagingFormOut(ResponseBody):
    kinds: list[PageKindOut]
    honorifics: list[str]
    places: list[str]
    free_places: bool
    limits: dict[str, int]
    repeat: int


class PresetOut(ResponseBody):
    id: str
    title: str
    text: str
    repeat_every_seconds: float
    priority: int


class EmergencyOut(ResponseBody):
    active: bool
    script: str
    title: str
    started_at: str | None
    started_by: str
    cleared_at: str | None
    cleared_by: str
    state: Literal["on_air", "waiting", "cleared", ""]
    priority: int
    behind: str
    preempts: str


class DirectoryEntryOut(ResponseBody):
    id: str
    name: str
    extension: str
    department: str
    duties: list[str]
    languages: list[str]
    hours: str
    on_duty: bool | None
    internal: bool
    note: str
    why: str
    matched: str


class ForeignCallOut(ResponseBody):
    code: str
    language: str
    english: str
    native: str
    speakers: list[DirectoryEntryOut]


class DirectoryImportOut(ResponseBody):
    people: int


class GreetingOut(ResponseBody):
    text: str
    morning: bool
    changes_at: str


class NowPlayingOut(ResponseBody):
    kind: str
    source: str
    ref: str
    title: str
    started_at: str
    ends_at: str
    duration_seconds: float


class UpcomingOut(ResponseBody):
    kind: str
    source: str
    ref: str
    title: str
    starts_at: str
    ends_at: str


class OutputOut(ResponseBody):
    device: str
    healthy: bool
    warning: str
    underruns: int


class CheckOut(ResponseBody):
    at: str
    ok: bool
    failures: list[str]
    notes: list[str]


class StatusOut(ResponseBody):
    day: str
    now: str
    open: bool
    on_air: bool
    now_playing: NowPlayingOut | None
    upcoming: list[UpcomingOut]
    queue: list[PageOut]
    emergency: EmergencyOut  # the one on air, else the day's last one
    emergencies: list[EmergencyOut]  # every active one, in the order they air
    output: OutputOut
    check: CheckOut | None
    campaigns_held_until: str | None = Field(
        None, description="After an emergency no campaign airs before this (B5, the calm)"
    )


class TimelineOut(ResponseBody):
    date: str
    entries: list[dict[str, Any]]


class HealthOut(ResponseBody):
    ok: bool
    reason: str | None = None
    underruns: int = 0


_WHY: dict[int, str] = {
    400: "Malformed JSON or body (`bad_json`, `bad_body`)",
    401: "Not signed in (`not_signed_in`), or login refused (with `Retry-After` when slowed)",
    403: "Role not allowed (`forbidden_role`), CSRF token missing (`csrf`), or refused",
    404: "No such thing (`not_found`)",
    409: "The thing's state does not allow this (e.g. the page is on air: it finishes, B12)",
    413: "Body too large (`too_large`)",
    415: "Body is not JSON (`unsupported_media_type`)",
    422: "Invalid field (`invalid`, with `field`) or a rule refused it (with `field`)",
    429: "Too many requests; `Retry-After` says when to try again",
    503: "The playing side is busy or unavailable; try again",
}


def errors(*codes: int, sse: bool = False) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI `responses` entry for these error statuses (all bodies are JSON `ErrorOut`;
    `sse`: for an event-stream route, whose own media type FastAPI would otherwise give them)."""
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        entry: dict[str, Any] = {"description": _WHY.get(code, "Error")}
        if sse:
            ref = {"$ref": "#/components/schemas/ErrorOut"}
            entry["content"] = {"application/json": {"schema": ref}}
        else:
            entry["model"] = ErrorOut
        if code in (401, 429):
            entry["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
        out[code] = entry
    return out
