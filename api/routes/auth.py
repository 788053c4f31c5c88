"""Signing in and out (B15), the first admin's setup, and the two files a phone needs first.

`POST /api/login` and `POST /api/setup` answer the session (token, CSRF token, expiry, user)
and set the `mall_pa_session` cookie: HttpOnly, SameSite=Strict, Path=/, Secure when served
over HTTPS, Max-Age until the session expires. They take JSON only (415 otherwise), so a
cross-site form post cannot sign anyone in. `GET /setup` is the setup page; `GET /ca.crt`
the service's self-signed certificate, for phones to trust its HTTPS (404 when none).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from api.deps import COOKIE, JSON_ONLY, Address, ControlDep, SignedIn
from api.errors import ApiError
from api.schemas import LoginIn, MeOut, SessionOut, SetupIn, SetupNeededOut, UserOut, errors
from daemon.views import SessionView, User

__all__ = ["router", "user_out"]

router = APIRouter(tags=["auth"])

SETUP_PAGE = Path(__file__).resolve().parent.parent / "web" / "setup.html"
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "connect-src 'self'; img-src 'self' data:; form-action 'none'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Cache-Control": "no-store",
}
CA_TYPE = "application/x-x509-ca-cert"


def user_out(user: User) -> UserOut:
    return UserOut(name=user.name, roles=sorted(user.roles), trained=user.trained)


def _max_age(request: Request, expires_at: str) -> int | None:
    """Seconds from now until `expires_at` (None: a browser-session cookie if unparsable)."""
    try:
        expires = datetime.fromisoformat(expires_at)
    except ValueError:
        return None
    if expires.tzinfo is None:
        return None
    return max(0, int((expires - request.app.state.clock()).total_seconds()))


def _session_answer(request: Request, response: Response, session: SessionView) -> SessionOut:
    response.set_cookie(
        COOKIE,
        session.token,
        max_age=_max_age(request, session.expires_at),
        path="/",
        secure=bool(request.app.state.https),
        httponly=True,
        samesite="strict",
    )
    response.headers["Cache-Control"] = "no-store"
    return SessionOut(
        token=session.token,
        csrf=session.csrf,
        expires_at=session.expires_at,
        user=user_out(session.user),
    )


@router.post(
    "/api/login",
    dependencies=JSON_ONLY,
    responses=errors(400, 401, 413, 415, 422, 429, 503),
)
def login(
    body: LoginIn, request: Request, response: Response, control: ControlDep, address: Address
) -> SessionOut:
    """Sign in. 401 `Retry-After` when this name or address is being slowed down."""
    session = control.login(body.name, body.password, address)
    return _session_answer(request, response, session)


@router.post("/api/logout", status_code=204, responses=errors(401, 403, 503))
def logout(request: Request, signed: SignedIn, control: ControlDep, address: Address) -> Response:
    """End this session and clear the cookie."""
    control.logout(signed.token, address)
    response = Response(status_code=204)
    response.delete_cookie(
        COOKIE, path="/", secure=bool(request.app.state.https), httponly=True, samesite="strict"
    )
    return response


@router.get("/api/me", responses=errors(401, 503))
def me(signed: SignedIn) -> MeOut:
    """Who is signed in, with the CSRF token (a page reloaded with the cookie reads it here)."""
    user = signed.user
    return MeOut(name=user.name, roles=sorted(user.roles), trained=user.trained, csrf=signed.csrf)


@router.get("/api/setup", responses=errors(503))
def setup_needed(control: ControlDep) -> SetupNeededOut:
    """Whether the first admin still has to be created."""
    return SetupNeededOut(needed=control.needs_setup())


@router.post(
    "/api/setup",
    dependencies=JSON_ONLY,
    responses=errors(400, 403, 413, 415, 422, 503),
)
def setup(
    body: SetupIn, request: Request, response: Response, control: ControlDep, address: Address
) -> SessionOut:
    """Create the first admin with the one-time token from the service's log; sign them in."""
    session = control.setup(body.token, body.name, body.password, address)
    return _session_answer(request, response, session)


@router.get("/setup", response_class=HTMLResponse, tags=["web"])
def setup_page() -> HTMLResponse:
    """The first-run page (Simplified Chinese, works offline)."""
    return HTMLResponse(SETUP_PAGE.read_text(encoding="utf-8"), headers=PAGE_HEADERS)


@router.get(
    "/ca.crt",
    response_class=Response,
    tags=["web"],
    responses={200: {"content": {CA_TYPE: {}}}, **errors(404)},
)
def ca_cert(request: Request) -> Response:
    """The service's self-signed certificate, for phones to install and trust."""
    path: Path | None = request.app.state.ca_cert
    try:
        data = path.read_bytes() if path is not None else None
    except OSError:
        data = None
    if data is None:
        raise ApiError(404, "not_found", "这台服务没有配置 HTTPS 证书")
    disposition = 'attachment; filename="mall-pa-ca.crt"'
    return Response(data, media_type=CA_TYPE, headers={"Content-Disposition": disposition})
