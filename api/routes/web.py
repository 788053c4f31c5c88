"""The web pages: the phone page at `/`, the desk console at `/desk`, the switchboard console
at `/switchboard`, proof of play at `/reports`, the scripts workflow at `/scripts`, and their
files.

Static HTML, CSS and plain JavaScript from `api/web/`, served by the service itself (no CDN,
no build step: the store's LAN needs no internet). The pages sign in through the API and hold
no secret of their own, so they need no sign-in to load. Scripts and styles come only from
this origin (no inline script), the microphone only for this origin (the recording button).
"""

from __future__ import annotations

import re
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import FileResponse, HTMLResponse

from api.errors import ApiError
from api.schemas import errors

__all__ = ["PAGE_HEADERS", "router"]

router = APIRouter(tags=["web"])

WEB = FilePath(__file__).resolve().parent.parent / "web"
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data:; media-src 'self' blob:; form-action 'none'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Permissions-Policy": "microphone=(self), camera=(), geolocation=()",
    "Cache-Control": "no-cache",
}
_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
_NAME = r"^[a-z0-9][a-z0-9-]{0,40}\.(js|css)$"


def _page(name: str) -> HTMLResponse:
    return HTMLResponse((WEB / name).read_text(encoding="utf-8"), headers=PAGE_HEADERS)


@router.get("/", response_class=HTMLResponse)
def phone_page() -> HTMLResponse:
    """The phone page: sign in, page someone, follow one's pages, record (B7)."""
    return _page("index.html")


@router.get("/desk", response_class=HTMLResponse)
def desk_console() -> HTMLResponse:
    """The service desk's console: on air, next 15 minutes, queue, emergency, as-run log."""
    return _page("desk.html")


@router.get("/switchboard", response_class=HTMLResponse)
def switchboard_console() -> HTMLResponse:
    """The switchboard operator's console: greeting, directory, messages, complaints (S1-S8)."""
    return _page("switchboard.html")


@router.get("/reports", response_class=HTMLResponse)
def reports_page() -> HTMLResponse:
    """Proof of play: plays per day per campaign as a chart and a table, and the CSV."""
    return _page("reports.html")


@router.get("/scripts", response_class=HTMLResponse)
def scripts_page() -> HTMLResponse:
    """Marketing's scripts by state and their editor; the planners' review queue (B4-B6)."""
    return _page("scripts.html")


@router.get("/static/{name}", response_class=FileResponse, responses=errors(404))
def static_file(name: Annotated[str, Path(max_length=45)]) -> FileResponse:
    """A script or style sheet of the pages."""
    path = WEB / "static" / name
    if not re.match(_NAME, name) or not path.is_file():
        raise ApiError(404, "not_found", "找不到这个文件")
    suffix = path.suffix
    return FileResponse(path, media_type=_TYPES[suffix], headers={"Cache-Control": "no-cache"})
