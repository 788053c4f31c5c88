"""The scripts workflow's views (B6): a script version on its way from marketing's draft to
the library, with its history. Re-exported by `daemon.views`. Times are ISO 8601 in the
store's zone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["ScriptStepView", "ScriptVersionView"]


@dataclass(frozen=True, slots=True)
class ScriptStepView:
    at: str
    by: str
    action: str  # edit, record, unrecord, submit, approve, reject, retire, superseded
    state: str  # the state it left the version in
    reason: str


@dataclass(frozen=True, slots=True)
class ScriptVersionView:
    id: int  # the version's number in the workflow (not the script's id)
    script_id: str
    version: int  # 1, 2, ... of this script
    kind: str  # campaign, fixed
    title: str
    state: str  # draft, submitted, approved, rejected, retired
    state_name: str  # 草稿, 待审批, 已批准, 已退回, 已停用
    fields: dict[str, Any]  # the script's keys as its library file will hold them
    author: str
    created_at: str
    updated_at: str
    submitted_by: str
    submitted_at: str | None
    decided_by: str
    decided_at: str | None
    reason: str  # why it was rejected
    history: tuple[ScriptStepView, ...]


@dataclass(frozen=True, slots=True)
class LossView:
    """Another campaign's plays on a day (or all days) without the script and with it."""

    script_id: str
    title: str
    without: int
    with_it: int


@dataclass(frozen=True, slots=True)
class PreviewDayView:
    day: str  # ISO date
    weekday: str  # 周一 .. 周日
    asked: int  # the plays its frequency and cap ask for (0: it does not run that day)
    airs: int  # the plays the simulation aired in full
    held: str  # off (not that day), none (never airs), short (under 80 % of asked), full
    times: tuple[str, ...]  # HH:MM of each play
    losses: tuple[LossView, ...]
    note: str  # why it does not run that day, or never airs ("" when it airs)


@dataclass(frozen=True, slots=True)
class PreviewView:
    """A script version simulated over its dates with the current schedule (B5, B6)."""

    version_id: int
    script_id: str
    title: str
    kind: str
    days: tuple[PreviewDayView, ...]
    more_days: int  # days of its range beyond those simulated
    pages: str  # the typical pages simulated, in Chinese
    asked: int  # over the days shown
    airs: int
    short_days: int  # days it airs under 80 % of what it asks for, or not at all
    losses: tuple[LossView, ...]  # per other campaign, over the days shown
    warnings: tuple[str, ...]  # in Chinese: what the days cannot hold, and why
    audio: bool  # a break with it can be heard (it airs on one of the days)
