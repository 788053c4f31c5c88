"""The authorization matrix (B15): who may use each route. This table is the truth.

One row per (method, path) of the app; a column per principal: anonymous, then one account
per single role (the announcer twice: untrained and trained). Every cell sends a valid
request (a body the rules accept, a page the person may see), so that the status reflects
who is asking and not what they sent. Adding a route without a row here fails the build.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from api.deps import COOKIE, CSRF_HEADER
from daemon.views import ComplaintIn, MessageIn, PageIn, Role
from tests.api.conftest import PAGE, make_app, password, seeded
from tests.api.fake_control import SETUP_TOKEN, FakeControl

PRINCIPALS = (
    "anonymous", "staff", "announcer", "trained", "supervisor", "marketing", "planner", "admin",
)  # fmt: skip
MESSAGE = {"to": "staff", "caller": "王先生", "number": "13800138000", "text": "请回电"}
COMPLAINT = {
    "caller": "李女士",
    "contact": "13900139000",
    "what": "试衣间太脏",
    "department": "客服部",
}
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 64

ALL = (200,) * 8
SIGNED_IN = (401,) + (200,) * 7


def pager(ok: int) -> tuple[int, ...]:
    """Staff, announcers and supervisors; not marketing, planner or admin alone."""
    #      anon staff ann trained sup mkt  plan admin
    return (401, ok, ok, ok, ok, 403, 403, 403)


def desk(ok: int) -> tuple[int, ...]:
    """Announcers (trained or not) and supervisors."""
    return (401, 403, ok, ok, ok, 403, 403, 403)


def book(ok: int) -> tuple[int, ...]:
    """The desk, and a department's head (here the planner heads 客服部 in the directory)."""
    return (401, 403, ok, ok, ok, 403, ok, 403)


def reports(ok: int) -> tuple[int, ...]:
    """Marketing, planners and supervisors (proof of play); not the desk's announcers."""
    #      anon staff ann  trained sup mkt plan admin
    return (401, 403, 403, 403, ok, ok, ok, 403)


def author(ok: int) -> tuple[int, ...]:
    """Marketing alone writes and submits scripts (B6)."""
    return (401, 403, 403, 403, 403, ok, 403, 403)


def approver(ok: int) -> tuple[int, ...]:
    """Planners alone approve, reject and retire them (B6)."""
    return (401, 403, 403, 403, 403, 403, ok, 403)


def admin(ok: int) -> tuple[int, ...]:
    """Admins only."""
    return (401,) + (403,) * 6 + (ok,)


def _open_setup(fake: FakeControl, principal: str) -> None:
    """No admin yet (the admin column keeps a session; setup does not look at it)."""
    for account in fake.accounts.values():
        account.user = replace(account.user, roles=account.user.roles - {Role.ADMIN})


def _emergency_on(fake: FakeControl, principal: str) -> None:
    fake.start_emergency(fake.accounts["supervisor"].user, "fire-evacuation", "127.0.0.1")


DIRECTORY = "编号,姓名,分机,部门,职责\n" + "".join(
    f"{who},{who},80{n:02d},客服部,{'负责人' if who == 'planner' else '开票'}\n"
    for n, who in enumerate(PRINCIPALS[1:])
)  # one entry per account; the planner heads 客服部 (so sees its complaints)


def _directory(fake: FakeControl, principal: str = "") -> None:
    fake.switchboard.import_directory(fake.accounts["admin"].user, DIRECTORY.encode(), "")


def _message(fake: FakeControl, principal: str) -> None:
    """Message 1, for the person asking (anonymous: for staff)."""
    _directory(fake)
    to = "staff" if principal == "anonymous" else principal
    desk = fake.accounts["announcer"].user
    fake.book.take_message(desk, MessageIn(to, "王先生", "138", "请回电"), "")


SCRIPT = {"id": "xmas-draw", "kind": "campaign", "title": "圣诞抽奖", "text": "满三百元抽奖。",
          "every_songs": 5}  # fmt: skip


def _one_day(fake: FakeControl, principal: str = "") -> None:
    """Version 1, a draft for one day (its preview simulates one day, not four weeks)."""
    day = {"valid_from": "2026-11-23", "valid_until": "2026-11-23"}
    fake.scripts.save(fake.accounts["marketing"].user, {**SCRIPT, **day}, None, "")


def _draft(fake: FakeControl, principal: str = "") -> None:
    """Version 1 of a script, a draft by marketing."""
    fake.scripts.save(fake.accounts["marketing"].user, dict(SCRIPT), None, "")


def _submitted(fake: FakeControl, principal: str = "") -> None:
    _draft(fake)
    fake.scripts.submit(fake.accounts["marketing"].user, 1, "")


def _approved(fake: FakeControl, principal: str) -> None:
    _submitted(fake)
    fake.scripts.approve(fake.accounts["planner"].user, 1, "")


def _complaint(fake: FakeControl, principal: str) -> None:
    """Complaint 1, for 客服部."""
    _directory(fake)
    desk = fake.accounts["announcer"].user
    fake.book.record_complaint(desk, ComplaintIn("李女士", "139", "试衣间太脏", "客服部"), "")


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # the route's path template, as in app.routes
    expect: tuple[int, ...]  # one status per PRINCIPALS column
    json: Any = None
    files: dict[str, tuple[str, bytes]] | None = None
    params: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] | None = None
    path_params: dict[str, str] = field(default_factory=dict)
    prepare: Callable[[FakeControl, str], None] | None = None  # (control, the principal)

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


V1 = {"version_id": "1"}
ROWS = (
    Row("GET", "/openapi.json", ALL),
    Row("GET", "/docs", ALL),
    Row("GET", "/healthz", ALL),
    Row("GET", "/setup", ALL),
    Row("GET", "/", ALL),
    Row("GET", "/desk", ALL),
    Row("GET", "/switchboard", ALL),
    Row("GET", "/reports", ALL),
    Row("GET", "/scripts", ALL),
    Row("GET", "/static/{name}", ALL, path_params={"name": "common.js"}),
    Row("GET", "/ca.crt", ALL),
    Row("GET", "/api/setup", ALL),
    Row(
        "POST",
        "/api/setup",
        ALL,
        json={"token": SETUP_TOKEN, "name": "root", "password": "a-long-password"},
        prepare=_open_setup,
    ),
    Row("POST", "/api/login", ALL, json={"name": "staff", "password": password("staff")}),
    Row("POST", "/api/logout", (401,) + (204,) * 7),
    Row("GET", "/api/me", SIGNED_IN),
    Row("GET", "/api/paging", pager(200)),
    Row("POST", "/api/pages/preview", pager(200), json=PAGE),
    Row("POST", "/api/pages", pager(202), json=PAGE),
    Row(
        "POST",
        "/api/pages/recorded",
        (401, 403, 403, 202, 403, 403, 403, 403),  # the announcer's 403 is the control's (B7)
        files={"audio": ("page.wav", WAV)},
        form={"page": json.dumps(PAGE)},
    ),
    Row("GET", "/api/pages", pager(200), params={"state": "queued", "date": "2026-11-23"}),
    Row("GET", "/api/pages/{page_id}", pager(200)),
    Row("DELETE", "/api/pages/{page_id}", pager(200)),
    Row(
        "POST",
        "/api/pages/{page_id}/recording",
        (401, 403, 403, 200, 403, 403, 403, 403),  # the announcer's 403 is the control's (B7)
        files={"audio": ("page.wav", WAV)},
    ),
    Row("GET", "/api/emergency/presets", desk(200)),
    Row("POST", "/api/emergency", desk(202), json={"script": "fire-evacuation"}),
    Row("POST", "/api/emergency/clear", desk(200), prepare=_emergency_on),
    Row("GET", "/api/emergency", desk(200)),
    Row("GET", "/api/status", SIGNED_IN),
    Row("GET", "/api/timeline", SIGNED_IN, params={"date": "2026-11-23"}),
    Row("GET", "/api/switchboard/greeting", SIGNED_IN),
    Row("GET", "/api/switchboard/directory", SIGNED_IN, params={"q": "zs"}),
    Row("GET", "/api/switchboard/language", SIGNED_IN, params={"lang": "en"}),
    Row("GET", "/api/switchboard/directory.csv", admin(200)),
    Row("PUT", "/api/switchboard/directory.csv", admin(422)),  # no body: no header row
    Row("GET", "/api/switchboard/reference", SIGNED_IN),
    Row("POST", "/api/switchboard/messages", desk(201), json=MESSAGE, prepare=_directory),
    Row("GET", "/api/switchboard/messages", desk(200), params={"unread": "true"}),
    Row("GET", "/api/messages", SIGNED_IN),
    Row(
        "POST",
        "/api/messages/{message_id}/read",
        SIGNED_IN,
        path_params={"message_id": "1"},
        prepare=_message,
    ),
    Row("POST", "/api/switchboard/complaints", desk(201), json=COMPLAINT, prepare=_directory),
    Row("GET", "/api/switchboard/complaints", book(200), prepare=_directory),
    Row(
        "GET",
        "/api/switchboard/complaints/{complaint_id}",
        book(200),
        path_params={"complaint_id": "1"},
        prepare=_complaint,
    ),
    Row(
        "POST",
        "/api/switchboard/complaints/{complaint_id}/notes",
        book(200),
        json={"text": "已联系顾客", "state": "in_progress"},
        path_params={"complaint_id": "1"},
        prepare=_complaint,
    ),
    Row("GET", "/api/switchboard/complaints.csv", (401, 403, 403, 403, 200, 403, 403, 403)),
    Row("GET", "/api/reports/plays", reports(200), params={"from": "2026-11-20", "format": "csv"}),
    Row("GET", "/api/scripts", reports(200), params={"state": "draft"}),
    Row("GET", "/api/scripts/{version_id}", reports(200), path_params=V1, prepare=_draft),
    Row("POST", "/api/scripts", author(201), json=SCRIPT),
    Row(
        "PUT", "/api/scripts/{version_id}", author(200), json=SCRIPT, path_params=V1, prepare=_draft
    ),
    Row("POST", "/api/scripts/{version_id}/submit", author(200), path_params=V1, prepare=_draft),
    Row(
        "POST",
        "/api/scripts/{version_id}/approve",
        approver(200),
        path_params=V1,
        prepare=_submitted,
    ),
    Row(
        "POST",
        "/api/scripts/{version_id}/reject",
        approver(200),
        json={"reason": "太长"},
        path_params=V1,
        prepare=_submitted,
    ),
    Row(
        "POST", "/api/scripts/{version_id}/retire", approver(200), path_params=V1, prepare=_approved
    ),
    Row(
        "POST",
        "/api/scripts/{version_id}/recording",
        (401, 403, 403, 403, 403, 403, 403, 403),  # marketing's 403 is the control's (B7)
        files={"audio": ("script.wav", WAV)},
        path_params=V1,
        prepare=_draft,
    ),
    Row(
        "GET",
        "/api/scripts/{version_id}/recording",
        (401, 403, 403, 403, 404, 404, 404, 403),  # the readers' 404: the draft has none
        path_params=V1,
        prepare=_draft,
    ),
    Row(
        "DELETE",
        "/api/scripts/{version_id}/recording",
        author(200),
        path_params=V1,
        prepare=_draft,
    ),
    Row(
        "GET",
        "/api/scripts/{version_id}/preview",
        reports(200),
        path_params=V1,
        prepare=_one_day,
    ),
    Row(
        "GET",
        "/api/scripts/{version_id}/preview.wav",
        reports(200),
        path_params=V1,
        prepare=_one_day,
    ),
    Row("GET", "/api/events", SIGNED_IN),
)


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, TestClient]]:
    """One app for every cell (a fresh app costs ~50 ms on its first request); each cell
    gives it a fresh FakeControl."""
    ca = tmp_path_factory.mktemp("ca") / "ca.crt"
    ca.write_bytes(b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    app = make_app(seeded(), ca_cert=ca)
    with TestClient(app) as client:
        yield app, client


def test_every_route_has_a_row_and_every_row_a_route(matrix: tuple[FastAPI, TestClient]) -> None:
    app, _ = matrix
    routes = {
        (method, str(ctx.path))
        for ctx in iter_route_contexts(app.routes)
        for method in (ctx.methods or ())
        if method != "HEAD"
    }
    rows = {(r.method, r.path) for r in ROWS}
    assert not routes - rows, f"routes with no row in the authorization matrix: {routes - rows}"
    assert not rows - routes, f"rows for routes that do not exist: {rows - routes}"
    assert len(rows) == len(ROWS)
    assert all(len(r.expect) == len(PRINCIPALS) for r in ROWS)


def _call(matrix: tuple[FastAPI, TestClient], row: Row, principal: str, via: str) -> int:
    app, client = matrix
    fake = seeded(feeds_end=True)
    app.state.control = fake
    app.state.clock = lambda: fake.now
    headers: dict[str, str] = {}
    owner = principal if principal != "anonymous" else "staff"
    seed = PageIn("customer", "李", "小姐", "二楼")  # not the row's page: no duplicate
    page, _ = fake.submit_page(fake.accounts[owner].user, seed, "127.0.0.1")
    if principal != "anonymous":
        session = fake.session_for(principal)
        if via == "bearer":
            headers["Authorization"] = f"Bearer {session.token}"
        else:
            headers["Cookie"] = f"{COOKIE}={session.token}"
            headers[CSRF_HEADER] = session.csrf
    if row.prepare is not None:
        row.prepare(fake, principal)
    client.cookies.clear()  # nothing from the cell before (a login sets a cookie)
    path = row.path.replace("{page_id}", page.id)
    for name, value in row.path_params.items():
        path = path.replace(f"{{{name}}}", value)
    r = client.request(
        row.method,
        path,
        headers=headers,
        params=row.params,
        json=row.json,
        files=row.files,
        data=row.form,
    )
    if r.status_code >= 400:
        assert set(r.json()) >= {"code", "message"}, r.text
    return int(r.status_code)


@pytest.mark.parametrize("via", ["bearer", "cookie"])
@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_authorization_matrix(matrix: tuple[FastAPI, TestClient], row: Row, via: str) -> None:
    got = tuple(_call(matrix, row, who, via) for who in PRINCIPALS)
    cells = zip(PRINCIPALS, row.expect, got, strict=True)
    wrong = {who: (want, had) for who, want, had in cells if want != had}
    assert not wrong, f"{row.id} by {via}: (expected, got) {wrong}"


def test_marketing_planner_and_admin_alone_cannot_page_or_start_emergencies() -> None:
    for row in ROWS:
        if row.path.startswith(("/api/pages", "/api/emergency")):
            for who in ("marketing", "planner", "admin"):
                assert row.expect[PRINCIPALS.index(who)] == 403, (row.id, who)
