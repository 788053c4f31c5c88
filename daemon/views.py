"""What the control facade hands the API: frozen views, requests, and errors a person can act on.

The API (`api/`) sees the daemon only through `daemon.control` and these values: no engine,
driver, store or audio object ever crosses. Times are ISO 8601 strings in the store's zone
(`2026-11-23T10:15:00.000+08:00`), durations are seconds. Every `ControlError` carries an
HTTP-like `status`, a stable English `code` and a `message` in plain words (Chinese where
floor staff read it) that says what to do.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from daemon.views_reports import (
    CampaignDayView,
    CampaignRef,
    CampaignTotalView,
    PlaysReport,
    PlayView,
    ReportFile,
)
from daemon.views_scripts import (
    LossView,
    PreviewDayView,
    PreviewView,
    ScriptStepView,
    ScriptVersionView,
)
from daemon.views_switchboard import (
    ComplaintIn,
    ComplaintView,
    DirectoryEntryView,
    ForeignCallView,
    GreetingView,
    MessageIn,
    MessageView,
    NoteView,
    ReferenceView,
)

__all__ = [
    "ALL_ROLES",
    "DESK_ROLES",
    "BadFile",
    "Busy",
    "CampaignDayView",
    "CampaignRef",
    "CampaignTotalView",
    "CheckView",
    "ComplaintIn",
    "ComplaintView",
    "Conflict",
    "ControlError",
    "DirectoryEntryView",
    "EmergencyView",
    "EventView",
    "Forbidden",
    "ForeignCallView",
    "GreetingView",
    "Health",
    "LoginRefused",
    "LossView",
    "MessageIn",
    "MessageView",
    "NotFound",
    "NoteView",
    "NowPlaying",
    "OutputView",
    "PageIn",
    "PageKind",
    "PageState",
    "PageView",
    "PagingForm",
    "PlayView",
    "PlaysReport",
    "PresetView",
    "PreviewDayView",
    "PreviewView",
    "ProblemView",
    "RecordingIn",
    "ReferenceView",
    "Refused",
    "ReportFile",
    "Role",
    "ScriptStepView",
    "ScriptVersionView",
    "SessionView",
    "StatusView",
    "TooMany",
    "Unavailable",
    "UpcomingItem",
    "User",
]


class Role(enum.StrEnum):
    """B15: who may do what. A person may hold several roles."""

    STAFF = "staff"  # page people
    ANNOUNCER = "announcer"  # trained: page with their own recording, start and clear emergencies
    SUPERVISOR = "supervisor"  # music, emergencies, the desk
    MARKETING = "marketing"  # submit campaign scripts
    PLANNER = "planner"  # approve scripts
    ADMIN = "admin"  # accounts


ALL_ROLES = frozenset(Role)
DESK_ROLES = frozenset({Role.ANNOUNCER, Role.SUPERVISOR, Role.ADMIN})
"""Roles that see every page of the day, not only their own (the service desk)."""


class PageState(enum.StrEnum):
    QUEUED = "queued"
    ON_AIR = "on_air"
    AIRED = "aired"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"  # taken, but could not air (the reason says why)


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    roles: frozenset[Role]
    trained: bool = False  # B7: may put their own recorded voice on air
    disabled: bool = False

    def has(self, *roles: Role) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def desk(self) -> bool:
        return bool(self.roles & DESK_ROLES)


@dataclass(frozen=True, slots=True)
class SessionView:
    """A login: the bearer token (or cookie value), its CSRF token and when it expires."""

    token: str
    csrf: str
    user: User
    expires_at: str


@dataclass(frozen=True, slots=True)
class PageIn:
    """A page as a person asks for it (the fields of `daemon.speech.wording.PageRequest`)."""

    kind: str
    name: str = ""
    honorific: str = ""
    place: str = ""
    plate: str = ""
    note: str = ""
    urgent: bool | None = None  # None: urgent for a lost child, else not


@dataclass(frozen=True, slots=True)
class PageView:
    id: str
    kind: str
    state: PageState
    text: str  # the exact words read (once; the page is read `repeat` times)
    urgent: bool
    requested_at: str
    requested_by: str
    duration_seconds: float
    position: int | None = None  # 1 = airs next, while queued
    eta_seconds: float | None = None  # from now until it starts, while queued
    airs_after: str = ""  # "the current song", "the current break", "the emergency", ...
    aired_at: str | None = None  # when it went on air (last time)
    finished_at: str | None = None  # when it left the air, aired or cancelled
    reason: str = ""  # why it was skipped or cancelled
    recorded_by: str = ""  # the trained announcer whose recording airs (B7)


@dataclass(frozen=True, slots=True)
class PresetView:
    id: str
    title: str
    text: str
    repeat_every_seconds: float
    priority: int  # 1-9: a higher one preempts a lower one


@dataclass(frozen=True, slots=True)
class EmergencyView:
    active: bool
    script: str = ""
    title: str = ""
    started_at: str | None = None
    started_by: str = ""
    cleared_at: str | None = None
    cleared_by: str = ""
    state: str = ""  # on_air, waiting (behind one of its priority or higher), cleared
    priority: int = 0
    behind: str = ""  # waiting: the title of the emergency on air
    preempts: str = ""  # just started: the title of the one it cut (that resumes after it)


@dataclass(frozen=True, slots=True)
class ProblemView:
    """One mistake in a file a person sent: where, what was expected, what was found, what
    to do."""

    where: str
    expected: str
    found: str
    hint: str = ""


@dataclass(frozen=True, slots=True)
class NowPlaying:
    kind: str  # music, intro, announcement, outro, emergency
    source: str
    ref: str
    title: str
    started_at: str
    ends_at: str
    duration_seconds: float


@dataclass(frozen=True, slots=True)
class UpcomingItem:
    kind: str
    source: str
    ref: str
    title: str
    starts_at: str
    ends_at: str


@dataclass(frozen=True, slots=True)
class OutputView:
    device: str
    healthy: bool
    warning: str = ""
    underruns: int = 0


@dataclass(frozen=True, slots=True)
class CheckView:
    """The last pre-opening check (B1)."""

    at: str
    ok: bool
    failures: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StatusView:
    day: str
    now: str
    open: bool  # within business hours
    on_air: bool  # B13: something is being spoken (announcement or emergency)
    now_playing: NowPlaying | None
    upcoming: tuple[UpcomingItem, ...]  # the engine's look-ahead, the next 15 minutes
    queue: tuple[PageView, ...]  # pages waiting, in the order they will air
    emergency: EmergencyView  # the one on air, else the day's last one
    emergencies: tuple[EmergencyView, ...]  # every active one, in the order they air
    output: OutputView
    check: CheckView | None = None
    campaigns_held_until: str | None = None  # after an emergency: no campaign before then


@dataclass(frozen=True, slots=True)
class EventView:
    """One server-sent event: `type` is its event name, `data` its JSON body."""

    type: str  # item_started, item_ended, page, emergency_started, emergency_cleared
    data: dict[str, object] = field(default_factory=dict)
    id: int = 0


@dataclass(frozen=True, slots=True)
class PageKind:
    """One kind of page the phone offers: its label, the fields it asks for, in order."""

    kind: str  # customer, staff, lost_child, vehicle
    label: str  # 来宾, 本公司, 走失儿童, 寻车
    fields: tuple[str, ...]  # of name, honorific, place, plate (note is always optional)
    urgent: bool  # urgent unless asked otherwise (a lost child)


@dataclass(frozen=True, slots=True)
class PagingForm:
    """What the phone page needs to offer a page the rules will take (B11)."""

    kinds: tuple[PageKind, ...]
    honorifics: tuple[str, ...]
    places: tuple[str, ...]  # the store's list, offered as buttons
    free_places: bool  # also any other place up to `limits["place"]` characters
    limits: dict[str, int]  # the most characters each field may hold
    repeat: int  # each page is read this many times


@dataclass(frozen=True, slots=True)
class RecordingIn:
    """A trained announcer's recording of a page (B7), as uploaded."""

    data: bytes
    filename: str = ""


@dataclass(frozen=True, slots=True)
class Health:
    ok: bool
    reason: str = ""
    underruns: int = 0  # blocks played as silence today because decoding fell behind


class ControlError(Exception):
    """A request the control will not carry out; nothing was changed."""

    status = 400

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


class Refused(ControlError):
    """The request breaks a rule (a page's wording, B11; a bad recording): 422."""

    status = 422

    def __init__(self, code: str, message: str, field: str = "") -> None:
        super().__init__(code, message)
        self.field = field


class NotFound(ControlError):
    status = 404


class Forbidden(ControlError):
    status = 403


class Conflict(ControlError):
    """The thing is in a state that does not allow this (a page already on air, B12): 409."""

    status = 409


class BadFile(ControlError):
    """A file with mistakes (each in `problems`); nothing of it was taken: 422."""

    status = 422

    def __init__(self, code: str, message: str, problems: tuple[ProblemView, ...]) -> None:
        super().__init__(code, message)
        self.problems = problems


class TooMany(ControlError):
    """Too many requests; try again after `retry_after` seconds: 429."""

    status = 429

    def __init__(self, code: str, message: str, retry_after: int) -> None:
        super().__init__(code, message)
        self.retry_after = retry_after


class LoginRefused(ControlError):
    """Wrong name or password, or an account disabled: 401 (`retry_after` when slowed down)."""

    status = 401

    def __init__(self, code: str, message: str, retry_after: int = 0) -> None:
        super().__init__(code, message)
        self.retry_after = retry_after


class Busy(ControlError):
    """The playing side did not take the command in time: 503, try again."""

    status = 503


class Unavailable(ControlError):
    status = 503
