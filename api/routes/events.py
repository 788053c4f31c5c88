"""Server-sent events: what happens on air, as it happens (any signed-in user).

Each `EventView` from `control.subscribe()` goes out as one event: `event: <type>`,
`id: <id>`, `data: <json>`. FastAPI's SSE support (`fastapi.sse`) sends a `: ping` comment
whenever the feed has been idle for 15 s (proxies and phones keep the line open). The feed
is a dependency with `yield`, so it is closed on the request's own teardown as soon as the
client goes, whether the event loop was waiting on the feed or on the client.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.sse import EventSourceResponse, ServerSentEvent

from api.deps import ControlDep, CurrentUser
from api.schemas import errors
from daemon.control import Feed
from daemon.views import EventView

__all__ = ["RETRY_MS", "router", "to_sse"]

log = logging.getLogger("mall_pa.api")

router = APIRouter(tags=["status"])

RETRY_MS = 3000  # how long a browser waits before it reconnects


async def _feed(user: CurrentUser, control: ControlDep) -> AsyncIterator[Feed]:
    feed = control.subscribe()  # in the event loop, as the protocol asks
    try:
        yield feed
    finally:
        feed.close()


def to_sse(event: EventView) -> ServerSentEvent | None:
    """The wire form of one event (None, logged, for a malformed type the client can't parse)."""
    kind = event.type or "message"
    if "\n" in kind or "\r" in kind:
        log.warning("dropping an event with a multi-line type: %r", kind)
        return None
    return ServerSentEvent(event=kind, id=str(event.id), data=event.data)


@router.get(
    "/api/events",
    response_class=EventSourceResponse,
    responses=errors(401, 503, sse=True),
)
async def events(feed: Annotated[Feed, Depends(_feed)]) -> AsyncIterator[ServerSentEvent]:
    """The event stream: item_started, item_ended, page, queue, emergency_started,
    emergency_cleared; messages and complaints (fetch them again: these carry nothing)."""
    yield ServerSentEvent(comment="connected", retry=RETRY_MS)
    async for event in feed:
        sse = to_sse(event)
        if sse is not None:
            yield sse
