"""Status, timeline, health and the event stream (server-sent events)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator

import fastapi.routing
import fastapi.sse
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Message

from api import create_app
from daemon.views import EventView, Health
from tests.api.conftest import PAGE, bearer, make_app, password, seeded
from tests.api.fake_control import FakeControl


def test_status_nests_every_view(client: TestClient, fake: FakeControl) -> None:
    staff = bearer(fake, "staff")
    client.post("/api/pages", json=PAGE, headers=staff)
    r = client.get("/api/status", headers=staff)
    assert r.status_code == 200
    body = r.json()
    assert body["day"] == "2026-11-23"
    assert body["now_playing"]["title"] == "晨光"
    assert body["upcoming"][0]["kind"] == "intro"
    assert [p["position"] for p in body["queue"]] == [1]
    assert body["emergency"]["active"] is False
    assert body["output"] == {"device": "null", "healthy": True, "warning": "", "underruns": 0}
    assert body["check"]["notes"] == ["所有文件都能播放"]


def test_timeline_of_today_and_of_a_day(client: TestClient, fake: FakeControl) -> None:
    entry: dict[str, object] = {"kind": "music", "title": "晨光", "lateness_seconds": 0.5}
    fake.timelines["2026-11-23"] = [entry]
    headers = bearer(fake, "marketing")  # any signed-in user
    assert client.get("/api/timeline", headers=headers).json() == {
        "date": "2026-11-23",
        "entries": [entry],
    }
    r = client.get("/api/timeline?date=2026-11-01", headers=headers)
    assert r.json() == {"date": "2026-11-01", "entries": []}
    r = client.get("/api/timeline?date=2026-02-30", headers=headers)
    assert (r.status_code, r.json()["field"]) == (422, "date")


def test_healthz_needs_no_sign_in_and_says_why_not(client: TestClient, fake: FakeControl) -> None:
    r = client.get("/healthz")
    assert (r.status_code, r.json()) == (200, {"ok": True, "underruns": 0})
    fake.health_now = Health(True, "", 3)  # audio flows, but three blocks came late today
    assert client.get("/healthz").json() == {"ok": True, "underruns": 3}
    fake.health_now = Health(False, "声卡没有声音输出", 3)
    r = client.get("/healthz")
    assert (r.status_code, r.json()) == (
        503, {"ok": False, "reason": "声卡没有声音输出", "underruns": 3},
    )  # fmt: skip


def _events(text: str) -> list[dict[str, str]]:
    """The SSE wire text as a list of {field: value} per event (comments as ':')."""
    out = []
    for block in text.strip().split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.split("\n"):
            name, _, value = line.partition(": ")
            fields[name or ":"] = value
        out.append(fields)
    return out


def test_events_stream_each_event_with_type_id_and_json() -> None:
    fake = seeded(feeds_end=True)
    fake.feed_events = [
        EventView("item_started", {"kind": "music", "title": "晨光"}, 41),
        EventView("page", {"id": "p0001", "state": "on_air"}, 42),
        EventView("bad\ntype", {}, 43),  # dropped, not a broken stream
    ]
    with TestClient(make_app(fake)) as client:
        r = client.get("/api/events", headers=bearer(fake, "planner"))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/event-stream")
    hello, started, page = _events(r.text)
    assert hello == {":": "connected", "retry": "3000"}
    assert started["event"] == "item_started"
    assert started["id"] == "41"
    assert json.loads(started["data"]) == {"kind": "music", "title": "晨光"}
    assert (page["event"], page["id"]) == ("page", "42")
    assert all(f.closed for f in fake.feeds)


def test_events_by_cookie_as_a_browser_eventsource_sends_it() -> None:
    fake = seeded(feeds_end=True)
    with TestClient(make_app(fake)) as client:
        client.post("/api/login", json={"name": "staff", "password": password("staff")})
        assert client.get("/api/events").status_code == 200
        client.cookies.clear()
        r = client.get("/api/events")
        assert (r.status_code, r.json()["code"]) == (401, "not_signed_in")
    assert len(fake.feeds) == 1  # the refused request never subscribed


def _stream(app: FastAPI, headers: dict[str, str], until: bytes) -> bytes:
    """GET /api/events by raw ASGI until `until` arrives, then the client goes away."""
    got = bytearray()

    async def run() -> None:
        arrived = asyncio.Event()
        sent_request = False

        async def receive() -> Message:
            nonlocal sent_request
            if not sent_request:
                sent_request = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await arrived.wait()
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            if message["type"] == "http.response.body":
                got.extend(message.get("body", b""))
                if until in got:
                    arrived.set()

        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": "GET", "scheme": "http", "path": "/api/events",
            "raw_path": b"/api/events", "query_string": b"", "root_path": "",
            "client": ("127.0.0.1", 5000), "server": ("testserver", 80),
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        }  # fmt: skip
        await app(scope, receive, send)

    asyncio.run(run())
    return bytes(got)


def test_the_feed_is_closed_when_the_client_goes() -> None:
    fake = seeded()  # a feed that never ends by itself
    fake.feed_events = [EventView("page", {"id": "p0001"}, 1)]
    app = make_app(fake)
    body = _stream(app, bearer(fake, "staff"), until=b"id: 1")
    assert b"event: page" in body
    assert len(fake.feeds) == 1
    assert fake.feeds[0].closed


def test_an_idle_feed_gets_keep_alive_comments(monkeypatch: pytest.MonkeyPatch) -> None:
    assert fastapi.sse._PING_INTERVAL == 15.0  # the keep-alive FastAPI sends: every 15 s idle
    monkeypatch.setattr(fastapi.routing, "_PING_INTERVAL", 0.0)  # idle at once, no waiting
    fake = seeded()
    body = _stream(make_app(fake), bearer(fake, "staff"), until=b": ping\n\n")
    assert b": ping\n\n" in body
    assert fake.feeds[0].closed


def test_the_service_starts_and_stops_with_the_app() -> None:
    seen: list[str] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        seen.append("start")
        yield
        seen.append("stop")

    fake = seeded()
    with TestClient(create_app(fake, lifespan=lifespan)) as client:
        assert seen == ["start"]
        assert client.get("/healthz").status_code == 200
    assert seen == ["start", "stop"]


def test_two_apps_share_nothing() -> None:
    one, two = seeded(), seeded()
    two.health_now = Health(False, "没有声音")
    with TestClient(create_app(one)) as a, TestClient(create_app(two)) as b:
        assert a.get("/healthz").status_code == 200
        assert b.get("/healthz").status_code == 503
