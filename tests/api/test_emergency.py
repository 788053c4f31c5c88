"""Emergencies: presets, start (202), the current one, clear (200), and their refusals."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.api.fake_control import FakeControl

EMERGENCY_FIELDS = {
    "active", "script", "title", "started_at", "started_by", "cleared_at", "cleared_by",
    "state", "priority", "behind", "preempts",
}  # fmt: skip


@pytest.fixture
def desk(fake: FakeControl) -> dict[str, str]:
    return bearer(fake, "supervisor")


def test_presets_are_listed(client: TestClient, desk: dict[str, str]) -> None:
    r = client.get("/api/emergency/presets", headers=desk)
    assert r.status_code == 200
    first = r.json()[0]
    assert first == {
        "id": "fire-evacuation",
        "title": "火警疏散",
        "text": "各位来宾请注意,请按指示有序疏散。",
        "repeat_every_seconds": 45.0,
        "priority": 9,
    }


def test_start_follow_and_clear(client: TestClient, desk: dict[str, str]) -> None:
    assert client.get("/api/emergency", headers=desk).json()["active"] is False
    r = client.post("/api/emergency", json={"script": "fire-evacuation"}, headers=desk)
    assert r.status_code == 202
    body = r.json()
    assert set(body) == EMERGENCY_FIELDS
    assert (body["active"], body["script"], body["started_by"]) == (
        True,
        "fire-evacuation",
        "supervisor",
    )
    assert client.get("/api/emergency", headers=desk).json() == body
    assert client.get("/api/status", headers=desk).json()["on_air"] is True
    r = client.post("/api/emergency/clear", headers=desk)
    assert r.status_code == 200
    assert (r.json()["active"], r.json()["cleared_by"]) == (False, "supervisor")
    assert r.json()["title"] == "火警疏散"  # what was cleared stays readable


def test_clear_with_none_active_is_409(client: TestClient, desk: dict[str, str]) -> None:
    r = client.post("/api/emergency/clear", headers=desk)
    assert r.status_code == 409
    assert r.json() == {"code": "no_emergency", "message": "现在没有紧急广播"}


def test_an_unknown_preset_is_404(client: TestClient, desk: dict[str, str]) -> None:
    r = client.post("/api/emergency", json={"script": "alien-invasion"}, headers=desk)
    assert r.status_code == 404
    assert r.json()["code"] == "no_such_preset"


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "script"), ({"script": ""}, "script"), ({"script": 7}, "script"), ([], "body")],
)
def test_a_bad_start_body_is_422(
    client: TestClient, desk: dict[str, str], body: object, field: str
) -> None:
    r = client.post("/api/emergency", json=body, headers=desk)
    assert r.status_code == 422
    assert r.json()["field"] == field


def test_floor_staff_cannot_start_an_emergency(client: TestClient, fake: FakeControl) -> None:
    r = client.post(
        "/api/emergency", json={"script": "fire-evacuation"}, headers=bearer(fake, "staff")
    )
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden_role"
    assert "播音员" in r.json()["message"]
    assert fake.emergency.active is False


def test_a_clear_names_what_it_clears(client: TestClient, desk: dict[str, str]) -> None:
    client.post("/api/emergency", json={"script": "power-outage"}, headers=desk)
    started = client.post("/api/emergency", json={"script": "fire-evacuation"}, headers=desk)
    assert (started.json()["state"], started.json()["preempts"]) == ("on_air", "停电")
    listed = client.get("/api/status", headers=desk).json()["emergencies"]
    assert [(e["script"], e["state"], e["behind"]) for e in listed] == [
        ("fire-evacuation", "on_air", ""), ("power-outage", "waiting", "火警疏散"),
    ]  # fmt: skip
    r = client.post("/api/emergency/clear", headers=desk)
    assert r.status_code == 409 and r.json()["code"] == "which_emergency"
    r = client.post("/api/emergency/clear", json={"script": "power-outage"}, headers=desk)
    assert (r.status_code, r.json()["script"], r.json()["state"]) == (
        200,
        "power-outage",
        "cleared",
    )
    r = client.post("/api/emergency/clear", json={"script": "power-outage"}, headers=desk)
    assert r.status_code == 409 and r.json()["code"] == "not_active"
    assert client.post("/api/emergency/clear", headers=desk).json()["script"] == "fire-evacuation"


@pytest.mark.parametrize(
    ("body", "field"), [({"script": ""}, "script"), ({"script": 7}, "script"), ([], "body")]
)
def test_a_bad_clear_body_is_422(
    client: TestClient, desk: dict[str, str], body: object, field: str
) -> None:
    client.post("/api/emergency", json={"script": "fire-evacuation"}, headers=desk)
    r = client.post("/api/emergency/clear", json=body, headers=desk)
    assert r.status_code == 422
    assert r.json()["field"] == field


def test_a_clear_body_that_is_not_json_is_415(client: TestClient, desk: dict[str, str]) -> None:
    client.post("/api/emergency", json={"script": "fire-evacuation"}, headers=desk)
    r = client.post(
        "/api/emergency/clear", content=b"script=fire-evacuation",
        headers={**desk, "Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert r.status_code == 415
