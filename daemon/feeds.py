"""Server-sent events: one broadcast, many feeds, from the playing side's thread to the event loop.

`Broadcast.publish(type, data)` may be called from any thread; it numbers the event and
hands it to every open feed through its event loop (`call_soon_threadsafe`). A feed is an
async iterator read by one HTTP response. A feed whose client reads too slowly to keep up
(`CAPACITY` events behind) is closed rather than let memory grow: the browser reconnects.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import AsyncIterator

from daemon.views import EventView

__all__ = ["CAPACITY", "Broadcast", "EventFeed"]

CAPACITY = 1000


class EventFeed:
    """One client's events; iterate in the loop that made it; `close()` when the client goes."""

    def __init__(self, owner: Broadcast, loop: asyncio.AbstractEventLoop) -> None:
        self._owner, self._loop = owner, loop
        self._queue: asyncio.Queue[EventView | None] = asyncio.Queue(CAPACITY + 1)
        self.closed = False

    def push(self, event: EventView | None) -> None:
        """From any thread."""
        try:
            self._loop.call_soon_threadsafe(self._put, event)
        except RuntimeError:  # the loop is closed: the server is gone
            self._owner.remove(self)

    def _put(self, event: EventView | None) -> None:
        if self.closed:
            return
        if event is None or self._queue.qsize() >= CAPACITY:
            self.closed = True
            self._owner.remove(self)
            self._queue.put_nowait(None)
            return
        self._queue.put_nowait(event)

    async def __aiter__(self) -> AsyncIterator[EventView]:
        while (event := await self._queue.get()) is not None:
            yield event

    def close(self) -> None:
        self._owner.remove(self)
        self.push(None)


class Broadcast:
    def __init__(self) -> None:
        self._feeds: set[EventFeed] = set()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def feed(self) -> EventFeed:
        """A new feed of the events published from now on; call it in the event loop."""
        feed = EventFeed(self, asyncio.get_running_loop())
        with self._lock:
            self._feeds.add(feed)
        return feed

    def publish(self, type: str, data: dict[str, object]) -> None:
        with self._lock:
            event = EventView(type, data, next(self._ids))
            feeds = list(self._feeds)
        for feed in feeds:
            feed.push(event)

    def remove(self, feed: EventFeed) -> None:
        with self._lock:
            self._feeds.discard(feed)

    def __len__(self) -> int:
        with self._lock:
            return len(self._feeds)
