"""One router per resource; `ROUTERS` is every one, in the order the app includes them."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import (
    auth,
    complaints,
    emergency,
    events,
    messages,
    pages,
    paging,
    reports,
    scripts,
    status,
    switchboard,
    timeline,
    web,
)

__all__ = ["ROUTERS"]

ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    paging.router,
    pages.router,
    emergency.router,
    status.router,
    timeline.router,
    switchboard.router,
    messages.router,
    complaints.router,
    scripts.router,
    reports.router,
    events.router,
    web.router,
)
