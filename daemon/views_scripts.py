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
    action: str  # edit, submit, approve, reject, retire, superseded
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
