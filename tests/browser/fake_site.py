"""The API over the fake control (tests/api/fake_control.py), served by uvicorn in a thread, for
browser tests of pages whose service side the fake runs for real (the scripts workflow, its
previews and recordings) without `mall-pa run`:

    fake = FakeControl()
    fake.add_user("孙悦", "marketing-pass-1234", Role.MARKETING)
    with serving(fake) as site:
        page = open_scripts(contexts, site, "孙悦")

The fake's clock stands still at 2026-11-23 10:00 (store time) until `fake.advance()`.
`FakeSite` is a harness.Served, so `contexts.open(label, site, DESK)` opens pages on it.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from playwright.sync_api import Page, expect

from tests.api.conftest import bearer, make_app
from tests.api.fake_control import FakeControl
from tests.browser.harness import COOKIE, DESK, Contexts
from tests.e2e.running import wait_for

__all__ = ["FakeSite", "open_scripts", "serving"]


@dataclass
class FakeSite:
    """The API app over a FakeControl, served by uvicorn in a thread (harness.Served)."""

    fake: FakeControl
    base: str
    http: httpx.Client
    log: list[str] = field(default_factory=list)

    @property
    def https(self) -> bool:
        return False

    def output(self) -> str:
        return "\n".join(self.log)

    def get(self, path: str, name: str) -> Any:
        answer = self.http.get(path, headers=bearer(self.fake, name))
        assert answer.status_code == 200, f"GET {path}: {answer.status_code} {answer.text}"
        return answer.json()

    def post(self, path: str, body: dict[str, Any] | None, name: str) -> Any:
        answer = self.http.post(path, json=body, headers=bearer(self.fake, name))
        assert answer.status_code in (200, 201), f"POST {path}: {answer.status_code} {answer.text}"
        return answer.json()


class _Kept(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextmanager
def serving(fake: FakeControl) -> Iterator[FakeSite]:
    """`fake` behind the real API app, on a free port of 127.0.0.1, until the block ends."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    config = uvicorn.Config(make_app(fake), log_config=None, access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    lines: list[str] = []
    kept = _Kept(lines)
    logging.getLogger("uvicorn.error").addHandler(kept)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="fake-site")
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for("uvicorn serving the fake control", lambda: server.started or None, 20)
        with httpx.Client(base_url=base, timeout=60) as http:
            yield FakeSite(fake, base, http, lines)
    finally:
        server.should_exit = True
        thread.join(20)
        sock.close()
        logging.getLogger("uvicorn.error").removeHandler(kept)


def open_scripts(contexts: Contexts, site: FakeSite, name: str, label: str = "desk") -> Page:
    """The scripts page on the desk's screen, signed in as `name` by cookie."""
    page = contexts.open(label, site, DESK).page
    token = site.fake.session_for(name).token
    page.context.add_cookies([{
        "name": COOKIE, "value": token, "domain": "127.0.0.1", "path": "/",
        "httpOnly": True, "secure": False, "sameSite": "Strict",
    }])  # fmt: skip
    page.goto("/scripts")
    expect(page.locator("#app")).to_be_visible()
    expect(page.locator("#list-updated")).to_contain_text("更新于")
    return page
