"""Dependencies: the control, who is asking (B15), from where, and the role rules in one place.

A request is signed in by `Authorization: Bearer <token>` or by the `mall_pa_session` cookie.
A cookie request that changes state (POST, PUT, PATCH, DELETE) must also carry
`X-CSRF-Token` equal to its session's CSRF token; a bearer request need not (no browser adds
that header by itself). A bearer header, when present, wins: a bad one is 401 even with a
good cookie. JSON routes refuse any other body type (415), so a cross-site form cannot post.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from api.errors import ApiError
from daemon.control import Control
from daemon.views import Role, User

__all__ = [
    "COOKIE",
    "CSRF_HEADER",
    "EMERGENCY_ROLES",
    "JSON_ONLY",
    "PAGE_ROLES",
    "RECORDING_ROLES",
    "ROLE_NAMES",
    "Address",
    "Admin",
    "ControlDep",
    "CurrentUser",
    "Desk",
    "Pager",
    "Recorder",
    "Signed",
    "SignedIn",
    "Supervisor",
    "require",
    "require_json",
]

COOKIE = "mall_pa_session"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_TOKEN = 512  # longer than any token the control hands out: refused without a lookup

# The role rules (B15). The authorization matrix test (tests/api/test_authz.py) is the truth.
PAGE_ROLES = (Role.STAFF, Role.ANNOUNCER, Role.SUPERVISOR)  # preview, submit, list, cancel
RECORDING_ROLES = (Role.ANNOUNCER,)  # own voice on air; the control also checks `trained` (B7)
EMERGENCY_ROLES = (Role.ANNOUNCER, Role.SUPERVISOR)  # presets, start, clear, current

ROLE_NAMES = {
    Role.STAFF: "员工",
    Role.ANNOUNCER: "播音员",
    Role.SUPERVISOR: "主管",
    Role.MARKETING: "市场部",
    Role.PLANNER: "企划部",
    Role.ADMIN: "管理员",
}

_bearer = HTTPBearer(auto_error=False, description="The `token` from /api/login")
_cookie = APIKeyCookie(name=COOKIE, auto_error=False, description="Set by /api/login")


async def _control(request: Request) -> Control:
    # async: FastAPI runs a plain `def` dependency in a worker thread, a hop that costs more
    # CPU than the whole lookup (the same below; nothing here blocks)
    return cast(Control, request.app.state.control)


ControlDep = Annotated[Control, Depends(_control)]


async def _address(request: Request) -> str:
    return request.client.host if request.client else ""


Address = Annotated[str, Depends(_address)]
"""The client's IP address, for the audit log and the login throttle."""


@dataclass(frozen=True, slots=True)
class Signed:
    """A signed-in request: who, their session token and CSRF token, and how they came."""

    user: User
    token: str
    csrf: str
    by_cookie: bool


def _not_signed_in(message: str = "请先登录") -> ApiError:
    return ApiError(401, "not_signed_in", message, headers={"WWW-Authenticate": "Bearer"})


def _signed_in(
    request: Request,
    control: ControlDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> Signed:
    if bearer is not None:
        token, by_cookie = bearer.credentials, False
    elif request.headers.get("authorization"):
        raise _not_signed_in("登录凭证格式不对,请重新登录")
    elif cookie:
        token, by_cookie = cookie, True
    else:
        raise _not_signed_in()
    found = control.session_user(token) if 0 < len(token) <= MAX_TOKEN else None
    if found is None or found[0].disabled:
        raise _not_signed_in("登录已过期,请重新登录")
    user, csrf = found
    if by_cookie and request.method in UNSAFE_METHODS:
        given = request.headers.get(CSRF_HEADER, "")
        if not given or not hmac.compare_digest(
            given.encode("utf-8", "replace"), csrf.encode("utf-8", "replace")
        ):
            raise ApiError(403, "csrf", "页面已过期,请刷新后重试(缺少 CSRF 令牌)")
    return Signed(user, token, csrf, by_cookie)


SignedIn = Annotated[Signed, Depends(_signed_in)]


async def _current_user(signed: SignedIn) -> User:
    return signed.user


CurrentUser = Annotated[User, Depends(_current_user)]
"""Any signed-in user (401 `not_signed_in` otherwise)."""


def require(*roles: Role) -> Callable[[User], Awaitable[User]]:
    """A dependency: the signed-in user if they hold any of `roles`, else 403 `forbidden_role`."""
    allowed = "、".join(ROLE_NAMES[r] for r in roles)

    async def check(user: CurrentUser) -> User:
        if not user.has(*roles):
            raise ApiError(403, "forbidden_role", f"您的账号没有这项权限(需要:{allowed})")
        return user

    return check


Pager = Annotated[User, Depends(require(*PAGE_ROLES))]
Recorder = Annotated[User, Depends(require(*RECORDING_ROLES))]
Desk = Annotated[User, Depends(require(*EMERGENCY_ROLES))]
Admin = Annotated[User, Depends(require(Role.ADMIN))]
Supervisor = Annotated[User, Depends(require(Role.SUPERVISOR))]


async def require_json(request: Request) -> None:
    """415 for a body that is not JSON: a cross-site HTML form can only send form or text
    bodies, and cannot set `Content-Type: application/json` without CORS (which we never
    grant). An empty body falls through to validation (422 `invalid`, field `body`)."""
    if not await request.body():
        return
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json" and not ctype.endswith("+json"):
        raise ApiError(
            415,
            "unsupported_media_type",
            "请求内容必须是 JSON(Content-Type: application/json)",
        )


JSON_ONLY = (Depends(require_json),)
"""`dependencies=JSON_ONLY` on every route that takes a JSON body."""
