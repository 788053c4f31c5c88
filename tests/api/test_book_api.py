"""The message pad (S3) and the complaint book (S8) over HTTP: a message reaches its person
and stays until read; a complaint goes to a department with its deadlines, overdue ones
stand out, its contact is shown only to who needs it and each showing is audited.

The control is the real one (`daemon.desk_book` over a SQLite store) behind the fake's
clock, so `fake.advance` moves the deadlines."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient

from daemon.views import EventView
from tests.api.conftest import bearer
from tests.api.fake_control import FakeControl

DIRECTORY = (
    "编号,姓名,分机,部门,职责\n"
    "zhangsan,张三,8012,客服部,开票\n"
    "staff,staff,8013,客服部,停车\n"
    "planner,planner,8014,客服部,负责人\n"  # the head of 客服部
    "marketing,marketing,8020,保安部,负责人\n"  # the head of 保安部
).encode()
MESSAGE = {"to": "staff", "caller": "王先生", "number": "13800138000", "text": "请回电"}
COMPLAINT = {
    "caller": "李女士",
    "contact": "13900139000",
    "what": "试衣间太脏",
    "department": "客服部",
}
HOUR = 3600


@pytest.fixture
def desk(client: TestClient, fake: FakeControl) -> dict[str, str]:
    admin = {**bearer(fake, "admin"), "Content-Type": "text/csv"}
    assert client.put("/api/switchboard/directory.csv", content=DIRECTORY, headers=admin).is_success
    return bearer(fake, "announcer")


@pytest.fixture
def events(fake: FakeControl, monkeypatch: pytest.MonkeyPatch) -> list[EventView]:
    seen: list[EventView] = []
    monkeypatch.setattr(fake, "publish", seen.append)
    return seen


def test_a_message_reaches_its_person_and_stays_until_read(
    client: TestClient, fake: FakeControl, desk: dict[str, str], events: list[EventView]
) -> None:
    r = client.post("/api/switchboard/messages", json=MESSAGE, headers=desk)
    assert r.status_code == 201, r.text
    taken = r.json()
    assert (taken["to_name"], taken["extension"], taken["taken_by"]) == (
        "staff",
        "8013",
        "announcer",
    )
    assert [e.type for e in events] == ["messages"]  # the phones refetch; no content goes out
    again = client.post("/api/switchboard/messages", json=MESSAGE, headers=desk)
    assert (again.status_code, again.json()["id"]) == (200, taken["id"])  # a double click
    assert len(events) == 1

    staff = bearer(fake, "staff")
    fake.advance(12 * 60)
    mine = client.get("/api/messages", headers=staff).json()
    assert [(m["id"], m["unread_seconds"]) for m in mine] == [(taken["id"], 720)]
    assert client.get("/api/messages", headers=bearer(fake, "supervisor")).json() == []
    unread = client.get("/api/switchboard/messages?unread=true", headers=desk).json()
    assert [m["unread_seconds"] for m in unread] == [720]  # the desk sees for how long

    other = client.post(f"/api/messages/{taken['id']}/read", headers=bearer(fake, "planner"))
    assert other.status_code == 404  # not theirs
    read = client.post(f"/api/messages/{taken['id']}/read", headers=staff).json()
    assert read["read_at"] is not None and read["unread_seconds"] is None
    assert client.get("/api/switchboard/messages?unread=true", headers=desk).json() == []
    assert [m["id"] for m in client.get("/api/switchboard/messages", headers=desk).json()] == [
        taken["id"]
    ]  # read ones stay on the desk's list for the day
    assert [e.type for e in events] == ["messages", "messages"]


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"to": "nobody"}, 404, "no_person", None),
        ({"number": "138-abc"}, 422, "bad_field", "number"),
        ({"caller": " "}, 422, "bad_field", "caller"),
        ({"text": "字" * 501}, 422, "bad_field", "text"),
        ({"text": "字" * 4001}, 422, "invalid", "text"),  # beyond what a request may carry
        ({"text": 5}, 422, "invalid", "text"),
        ({"extra": "x"}, 422, "invalid", "extra"),
    ],
)
def test_a_bad_message_is_refused_naming_the_field(
    client: TestClient, desk: dict[str, str], change: dict[str, object], status: int,
    code: str, field: str | None,
) -> None:  # fmt: skip
    r = client.post("/api/switchboard/messages", json={**MESSAGE, **change}, headers=desk)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["code"] == code and body["message"]
    assert body.get("field") == field
    assert client.get("/api/switchboard/messages", headers=desk).json() == []  # nothing kept


def test_a_complaint_goes_to_its_department_with_deadlines_and_stands_out_when_overdue(
    client: TestClient, fake: FakeControl, desk: dict[str, str]
) -> None:
    r = client.post("/api/switchboard/complaints", json=COMPLAINT, headers=desk)
    assert r.status_code == 201, r.text
    recorded = r.json()
    assert (recorded["state"], recorded["state_name"], recorded["standing"]) == (
        "new",
        "新登记",
        "on_time",
    )
    assert recorded["due_at"] == "2026-11-24T10:00:00+08:00"  # 24 h
    assert recorded["limit_at"] == "2026-11-25T10:00:00+08:00"  # 48 h
    url = f"/api/switchboard/complaints/{recorded['id']}"

    fake.advance(25 * HOUR)
    desk = bearer(fake, "announcer")  # a session lasts 12 hours
    listed = client.get("/api/switchboard/complaints?open=true", headers=desk).json()
    assert [(c["standing"], c["overdue_seconds"]) for c in listed] == [("overdue", HOUR)]
    fake.advance(24 * HOUR)
    desk = bearer(fake, "announcer")
    assert client.get(url, headers=desk).json()["standing"] == "late"

    head = bearer(fake, "planner")
    moved = client.post(f"{url}/notes", json={"text": "已致电顾客道歉", "state": "answered"},
                        headers=head)  # fmt: skip
    assert moved.status_code == 200, moved.text
    assert (moved.json()["standing"], moved.json()["notes"][0]["by"]) == ("done", "planner")
    bad = client.post(f"{url}/notes", json={"text": "再看看", "state": "new"}, headers=head)
    assert (bad.status_code, bad.json()["code"]) == (409, "bad_move")
    closed = client.post(f"{url}/notes", json={"text": "结案", "state": "closed"}, headers=head)
    reopened = client.post(f"{url}/notes", json={"text": "顾客又来电", "state": "in_progress"},
                           headers=desk)  # fmt: skip
    assert closed.json()["state"] == "closed"
    assert (reopened.json()["state"], reopened.json()["standing"]) == ("in_progress", "late")
    assert (
        client.get("/api/switchboard/complaints?open=true", headers=desk).json()[0]["id"]
        == (recorded["id"])
    )


def test_a_department_head_sees_only_their_departments_complaints(
    client: TestClient, fake: FakeControl, desk: dict[str, str]
) -> None:
    ours = client.post("/api/switchboard/complaints", json=COMPLAINT, headers=desk).json()
    theirs = {**COMPLAINT, "department": "保安部", "what": "保安态度差"}
    other = client.post("/api/switchboard/complaints", json=theirs, headers=desk).json()
    head = bearer(fake, "planner")
    assert [c["id"] for c in client.get("/api/switchboard/complaints", headers=head).json()] == [
        ours["id"]
    ]
    assert client.get(f"/api/switchboard/complaints/{other['id']}", headers=head).status_code == 404
    note = client.post(f"/api/switchboard/complaints/{other['id']}/notes", json={"text": "x"},
                       headers=head)  # fmt: skip
    assert note.status_code == 404
    everyone = client.get("/api/switchboard/complaints", headers=bearer(fake, "supervisor"))
    assert {c["id"] for c in everyone.json()} == {ours["id"], other["id"]}
    nobody = client.get("/api/switchboard/complaints", headers=bearer(fake, "staff"))
    assert (nobody.status_code, nobody.json()["code"]) == (403, "forbidden")


def test_the_contact_is_shown_only_to_the_supervisor_and_the_head_and_each_look_is_audited(
    client: TestClient, fake: FakeControl, desk: dict[str, str]
) -> None:
    recorded = client.post("/api/switchboard/complaints", json=COMPLAINT, headers=desk).json()
    assert (recorded["contact"], recorded["contact_hidden"]) == (None, True)  # the operator
    for who in ("supervisor", "planner"):
        seen = client.get("/api/switchboard/complaints", headers=bearer(fake, who)).json()
        assert (seen[0]["contact"], seen[0]["contact_hidden"]) == ("13900139000", False), who
    looks = [a for a in fake.book.store.audit_log() if a.action == "complaint_contacts_viewed"]
    assert [(a.actor, a.detail) for a in looks] == [
        ("planner", {"complaints": [recorded["id"]]}),
        ("supervisor", {"complaints": [recorded["id"]]}),
    ]  # newest first
    every_line = json.dumps([a.detail for a in fake.book.store.audit_log()], ensure_ascii=False)
    assert "13900139000" not in every_line and "李女士" not in every_line  # never logged


def test_an_unknown_department_is_refused_with_the_known_ones(
    client: TestClient, desk: dict[str, str]
) -> None:
    r = client.post("/api/switchboard/complaints", json={**COMPLAINT, "department": "财务部"},
                    headers=desk)  # fmt: skip
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        422,
        "unknown_department",
        "department",
    )
    assert "客服部" in r.json()["message"] and "保安部" in r.json()["message"]


def test_the_complaint_book_exports_as_csv_a_spreadsheet_cannot_run(
    client: TestClient, fake: FakeControl, desk: dict[str, str]
) -> None:
    sneaky = {**COMPLAINT, "what": '=HYPERLINK("http://x","点我")'}
    recorded = client.post("/api/switchboard/complaints", json=sneaky, headers=desk).json()
    client.post(f"/api/switchboard/complaints/{recorded['id']}/notes", json={"text": "已处理"},
                headers=desk)  # fmt: skip
    r = client.get("/api/switchboard/complaints.csv", headers=bearer(fake, "supervisor"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["编号", "登记时间", "登记人", "来电人", "联系方式"]
    assert rows[1][4] == "13900139000" and rows[1][5].startswith("'=HYPERLINK")
    assert rows[1][1] == "2026-11-23 10:00" and rows[1][-1].endswith("announcer:已处理")
