"""The app factory: `create_app(control)` builds the HTTP service around one `Control`.

No app exists at import time and nothing is global: the control, whether the service is
served over HTTPS (the cookie's `Secure`), the CA certificate for phones and the clock the
cookie's Max-Age is counted on live in `app.state`. The service passes its own `lifespan`
(an async context manager factory) to start and stop itself with the app.

Bodies are limited before they are read: 64 KiB for JSON, 30 MB (plus the multipart framing)
for a page's recording; a `Content-Length` over the limit is refused at once and a chunked
body is counted as it streams (413 `too_large`, JSON like every error).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import BodyTooLarge, error_response, install_handlers, too_large_message
from api.routes import ROUTERS
from api.routes.switchboard import DIRECTORY_BODY_LIMIT
from api.uploads import RECORDING_BODY_LIMIT
from daemon.control import Control

__all__ = ["JSON_BODY_LIMIT", "BodyLimit", "SecurityHeaders", "create_app"]

JSON_BODY_LIMIT = 64 * 1024
BODY_LIMITS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"^/api/pages/[^/]+/recording/?$"), RECORDING_BODY_LIMIT),
    (re.compile(r"^/api/pages/recorded/?$"), RECORDING_BODY_LIMIT),
    (re.compile(r"^/api/scripts/[^/]+/recording/?$"), RECORDING_BODY_LIMIT),
    (re.compile(r"^/api/switchboard/directory\.csv$"), DIRECTORY_BODY_LIMIT),
)

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


class BodyLimit:
    """ASGI middleware: 413 for a request body over its path's limit, before it is all read."""

    def __init__(
        self, app: ASGIApp, default: int, limits: Sequence[tuple[re.Pattern[str], int]] = ()
    ) -> None:
        self.app, self.default, self.limits = app, default, tuple(limits)

    def limit_for(self, path: str) -> int:
        return next((n for pattern, n in self.limits if pattern.match(path)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await error_response(413, "too_large", too_large_message(limit))(scope, receive, send)
            return
        seen, started = 0, False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLarge:
            if started:
                raise
            await error_response(413, "too_large", too_large_message(limit))(scope, receive, send)


class SecurityHeaders:
    """ASGI middleware: no sniffing, no framing, no referrer; API answers are never cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = str(scope["path"]).startswith("/api/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "no-referrer")
                if api:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, with_headers)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _version() -> str:
    try:
        return metadata.version("mall-pa")
    except metadata.PackageNotFoundError:
        return "0"


def create_app(
    control: Control,
    *,
    lifespan: Lifespan | None = None,
    https: bool = False,
    ca_cert: Path | None = None,
) -> FastAPI:
    """The HTTP service for `control`; `https` marks the session cookie Secure, `ca_cert` is
    served at /ca.crt (404 without it)."""
    app = FastAPI(
        title="mall-pa",
        version=_version(),
        summary="A shopping mall's PA broadcast and paging service (B1-B16)",
        lifespan=lifespan,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    app.state.control = control
    app.state.https = https
    app.state.ca_cert = ca_cert
    app.state.clock = _utc_now  # tests may replace it: only the cookie's Max-Age uses it
    install_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(BodyLimit, default=JSON_BODY_LIMIT, limits=BODY_LIMITS)
    app.add_middleware(SecurityHeaders)
    return app
