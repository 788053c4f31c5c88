"""The scripts workflow over HTTP (B6): marketing's draft, a planner's approval into the
library, a rejection with its reason, and the refusals a person can act on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from daemon.views import Role
from tests.api.conftest import bearer
from tests.api.fake_control import FakeControl
from tests.unit.test_script_recordings import wav_bytes

SCRIPT: dict[str, Any] = {
    "id": "xmas-draw",
    "kind": "campaign",
    "title": "圣诞抽奖",
    "text": "圣诞期间购物满三百元即可参加抽奖。",
    "valid_from": "2026-12-01",
    "valid_until": "2026-12-25",
    "weekdays": ["sat", "sun"],
    "dayparts": ["evening"],
    "every_songs": 5,
}


def library(fake: FakeControl) -> Path:
    assert fake.scripts.library is not None
    return fake.scripts.library


def test_a_script_goes_from_marketing_to_the_library_through_a_planner(
    client: TestClient, fake: FakeControl
) -> None:
    marketing, planner = bearer(fake, "marketing"), bearer(fake, "planner")
    r = client.post("/api/scripts", json=SCRIPT, headers=marketing)
    assert r.status_code == 201, r.text
    draft = r.json()
    assert (draft["state"], draft["state_name"], draft["fields"]["weekdays"]) == (
        "draft",
        "草稿",
        ["sat", "sun"],
    )
    url = f"/api/scripts/{draft['id']}"
    assert client.post(f"{url}/submit", headers=marketing).json()["state"] == "submitted"
    queue = client.get("/api/scripts", params={"state": "submitted"}, headers=planner).json()
    assert [v["script_id"] for v in queue] == ["xmas-draw"]
    approved = client.post(f"{url}/approve", headers=planner)
    assert approved.status_code == 200, approved.text
    assert [s["action"] for s in approved.json()["history"]] == ["edit", "submit", "approve"]
    written = (library(fake) / "xmas-draw.toml").read_text(encoding="utf-8")
    assert 'approved_by = "planner"' in written and 'approved_at = "2026-11-23"' in written


def test_a_rejection_needs_a_reason_and_the_script_comes_back_for_editing(
    client: TestClient, fake: FakeControl
) -> None:
    marketing, planner = bearer(fake, "marketing"), bearer(fake, "planner")
    draft = client.post("/api/scripts", json=SCRIPT, headers=marketing).json()
    url = f"/api/scripts/{draft['id']}"
    client.post(f"{url}/submit", headers=marketing)
    empty = client.post(f"{url}/reject", json={"reason": "  "}, headers=planner)
    assert (empty.status_code, empty.json()["code"]) == (422, "no_reason")
    rejected = client.post(
        f"{url}/reject", json={"reason": "周末人多,改成每 8 首"}, headers=planner
    )
    assert (rejected.json()["state"], rejected.json()["reason"]) == (
        "rejected",
        "周末人多,改成每 8 首",
    )
    edited = client.put(url, json={**SCRIPT, "every_songs": 8}, headers=marketing)
    assert (edited.status_code, edited.json()["state"]) == (200, "draft")
    assert not (library(fake) / "xmas-draw.toml").exists()  # nothing airs unapproved


def test_the_refusals_name_what_to_change(client: TestClient, fake: FakeControl) -> None:
    marketing, planner = bearer(fake, "marketing"), bearer(fake, "planner")
    bad = client.post("/api/scripts", json={**SCRIPT, "valid_until": "2026-11-01",
                                             "dayparts": ["night"]}, headers=marketing)  # fmt: skip
    assert (bad.status_code, bad.json()["code"]) == (422, "bad_script")
    assert {p["where"] for p in bad.json()["problems"]} == {"valid_until", "dayparts"}
    unsafe = client.post("/api/scripts", json={**SCRIPT, "id": "../x"}, headers=marketing)
    assert (unsafe.status_code, unsafe.json()["field"]) == (422, "id")
    client.post("/api/scripts", json=SCRIPT, headers=marketing)
    clash = client.post("/api/scripts", json=SCRIPT, headers=marketing)
    assert (clash.status_code, clash.json()["code"]) == (409, "id_taken")
    early = client.post("/api/scripts/1/approve", headers=planner)
    assert (early.status_code, early.json()["code"]) == (409, "not_submitted")
    assert client.get("/api/scripts/99", headers=planner).status_code == 404
    assert client.post("/api/scripts/1/approve", headers=marketing).status_code == 403


def test_a_trained_announcers_recording_goes_with_the_version_and_others_are_refused(
    client: TestClient, fake: FakeControl
) -> None:
    fake.add_user("陈静", "陈静-password-1", Role.MARKETING, trained=True)
    trained, untrained = bearer(fake, "陈静"), bearer(fake, "marketing")
    draft = client.post("/api/scripts", json=SCRIPT, headers=untrained).json()
    url = f"/api/scripts/{draft['id']}/recording"
    upload = {"audio": ("抽奖.wav", wav_bytes(3.0), "audio/wav")}
    refused = client.post(url, files=upload, headers=untrained)
    assert (refused.status_code, refused.json()["code"]) == (403, "not_trained")
    silent = {"audio": ("a.wav", wav_bytes(3.0, amplitude=0.0), "audio/wav")}
    quiet = client.post(url, files=silent, headers=trained)
    assert (quiet.status_code, quiet.json()["code"]) == (422, "recording_silent")
    recorded = client.post(url, files=upload, headers=trained)
    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["fields"]["recorded_by"] == "陈静"
    assert [s["action"] for s in recorded.json()["history"]] == ["edit", "record"]
    heard = client.get(url, headers=bearer(fake, "planner"))
    assert (heard.status_code, heard.headers["content-type"]) == (200, "audio/wav")
    assert heard.content[:4] == b"RIFF"
    taken_off = client.delete(url, headers=trained)
    assert "recorded_by" not in taken_off.json()["fields"]
    too_big = {"audio": ("big.wav", b"\0" * (31 * 1024 * 1024), "audio/wav")}
    assert client.post(url, files=too_big, headers=trained).status_code == 413
