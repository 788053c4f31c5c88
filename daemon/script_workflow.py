"""The way a script goes from marketing's draft to the library (B6). Pure.

    draft --submit--> submitted --approve--> approved --retire--> retired
      ^                   |  \\--reject--> rejected
      |---- edit ---------+-----------------+   (an edit of a submitted one withdraws it)

Marketing writes and submits; a planner approves or rejects (with a reason), never their own
submission; a planner retires an approved script. Editing an approved script starts a new
version (a draft) while the approved one keeps airing; a rejected one is edited and
submitted again. Each function raises `NotAllowed` (the rule broken, in Chinese) or returns the
state the version moves to.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from daemon.views import Role

__all__ = [
    "AUTHOR_ROLES",
    "STATE_NAMES",
    "DraftState",
    "NotAllowed",
    "Version",
    "approve",
    "edit",
    "reject",
    "retire",
    "submit",
]

AUTHOR_ROLES = frozenset({Role.MARKETING})
APPROVER_ROLES = frozenset({Role.PLANNER})
MAX_REASON = 500


class DraftState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETIRED = "retired"


STATE_NAMES = {
    DraftState.DRAFT: "草稿",
    DraftState.SUBMITTED: "待审批",
    DraftState.APPROVED: "已批准",
    DraftState.REJECTED: "已退回",
    DraftState.RETIRED: "已停用",
}


class NotAllowed(Exception):
    """A move the workflow does not allow: `status` 403 (not this person), 409 (not now) or
    422 (a bad `field`)."""

    def __init__(self, status: int, code: str, message: str, field: str = "") -> None:
        super().__init__(f"{code}: {message}")
        self.status, self.code, self.message, self.field = status, code, message, field


@dataclass(frozen=True, slots=True)
class Version:
    """What the rules look at: a version's state and who submitted it."""

    state: DraftState
    submitted_by: str = ""


def _needs(roles: frozenset[Role], wanted: frozenset[Role], what: str) -> None:
    if not roles & wanted:
        names = "、".join(sorted(r.value for r in wanted))
        raise NotAllowed(403, "forbidden", f"只有{names}可以{what}。")


def edit(roles: frozenset[Role], version: Version | None) -> tuple[DraftState, bool]:
    """(the state after an edit, whether it is a new version). None: a new script."""
    _needs(roles, AUTHOR_ROLES, "编写广播稿")
    if version is None or version.state is DraftState.APPROVED:
        return DraftState.DRAFT, True  # an approved one keeps airing until the new one is
    if version.state is DraftState.RETIRED:
        raise NotAllowed(409, "retired", "这份广播稿已停用,不能再修改;请另写一份。")
    return DraftState.DRAFT, False  # a draft, a rejected one, or a submitted one withdrawn


def submit(roles: frozenset[Role], version: Version) -> DraftState:
    _needs(roles, AUTHOR_ROLES, "提交审批")
    if version.state not in (DraftState.DRAFT, DraftState.REJECTED):
        shown = STATE_NAMES[version.state]
        said = f"这份广播稿{shown},不能提交:只有草稿和退回的可以提交。"
        raise NotAllowed(409, "not_a_draft", said)
    return DraftState.SUBMITTED


def _decide(roles: frozenset[Role], name: str, version: Version, what: str) -> None:
    _needs(roles, APPROVER_ROLES, what)
    if version.state is not DraftState.SUBMITTED:
        shown = STATE_NAMES[version.state]
        raise NotAllowed(409, "not_submitted", f"这份广播稿{shown},不在待审批中:请刷新后再看。")
    if version.submitted_by == name:
        raise NotAllowed(403, "own_submission", "不能审批自己提交的广播稿:请另一位企划同事审批。")


def approve(roles: frozenset[Role], name: str, version: Version) -> DraftState:
    _decide(roles, name, version, "批准广播稿")
    return DraftState.APPROVED


def reject(roles: frozenset[Role], name: str, version: Version, reason: str) -> DraftState:
    _decide(roles, name, version, "退回广播稿")
    if not reason.strip():
        raise NotAllowed(422, "no_reason", "退回时请写明理由,让市场部知道要改什么。", "reason")
    if len(reason) > MAX_REASON:
        raise NotAllowed(422, "reason_too_long", f"理由最多 {MAX_REASON} 个字。", "reason")
    return DraftState.REJECTED


def retire(roles: frozenset[Role], version: Version) -> DraftState:
    _needs(roles, APPROVER_ROLES, "停用广播稿")
    if version.state is not DraftState.APPROVED:
        raise NotAllowed(409, "not_approved", "只有已批准的广播稿可以停用。")
    return DraftState.RETIRED
