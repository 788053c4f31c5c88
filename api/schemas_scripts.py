"""Request and response bodies of the scripts workflow (B6). The strings are bounded loosely
here; the control checks each key exactly as the library loader does and names it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from api.schemas import RequestBody, ResponseBody, encodable

__all__ = [
    "LossOut",
    "PreviewDayOut",
    "PreviewOut",
    "RejectIn",
    "ScriptIn",
    "ScriptStepOut",
    "ScriptVersionOut",
]

_Clean = AfterValidator(encodable)
Short = Annotated[str, Field(max_length=100), _Clean]
Day = Annotated[str, Field(max_length=10, description="YYYY-MM-DD"), _Clean]
Clock = Annotated[str, Field(max_length=5, description="HH:MM")]
Weekday = Annotated[str, Field(max_length=9, description="mon ... sun")]


class ScriptIn(RequestBody):
    """A campaign or a fixed script, the keys of its library file (B4, B5)."""

    id: Annotated[str, Field(min_length=1, max_length=60), _Clean]
    kind: Literal["campaign", "fixed"]
    title: Short
    text: Annotated[str, Field(max_length=4000), _Clean]
    zones: Annotated[list[Short], Field(max_length=20, default_factory=list)]
    # fixed
    slots: Annotated[list[Clock], Field(max_length=48, default_factory=list)]
    order: int | None = None
    # campaign
    valid_from: Day | None = None
    valid_until: Day | None = None
    weekdays: Annotated[list[Weekday], Field(max_length=7, default_factory=list)]
    dayparts: Annotated[list[Short], Field(max_length=10, default_factory=list)]
    every_songs: int | None = None
    every_minutes: float | None = None
    max_per_day: int | None = None
    weight: float | None = None

    def fields(self) -> dict[str, Any]:
        """The keys given (not the empty ones), as the library file holds them."""
        given = self.model_dump(exclude_none=True)
        return {k: v for k, v in given.items() if v != []}


class RejectIn(RequestBody):
    reason: Annotated[str, Field(min_length=1, max_length=1000), _Clean]


class ScriptStepOut(ResponseBody):
    at: str
    by: str
    action: str
    state: str
    reason: str


class ScriptVersionOut(ResponseBody):
    id: int
    script_id: str
    version: int
    kind: str
    title: str
    state: Literal["draft", "submitted", "approved", "rejected", "retired"]
    state_name: str
    fields: dict[str, Any]
    author: str
    created_at: str
    updated_at: str
    submitted_by: str
    submitted_at: str | None
    decided_by: str
    decided_at: str | None
    reason: str
    history: list[ScriptStepOut]


class LossOut(ResponseBody):
    script_id: str
    title: str
    without: int
    with_it: int


class PreviewDayOut(ResponseBody):
    day: str
    weekday: str
    asked: int
    airs: int
    held: Literal["off", "none", "short", "full"]
    times: list[str]
    losses: list[LossOut]
    note: str


class PreviewOut(ResponseBody):
    """The version simulated over its dates with the current schedule (B5, B6)."""

    version_id: int
    script_id: str
    title: str
    kind: str
    days: list[PreviewDayOut]
    more_days: int
    pages: str
    asked: int
    airs: int
    short_days: int
    losses: list[LossOut]
    warnings: list[str]
    audio: bool
