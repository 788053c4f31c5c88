"""Paging (B11): preview, submit, retry, rate limit, follow, list, cancel (B12), recording (B7)."""

from __future__ import annotations

import asyncio

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Message

from api.uploads import MAX_RECORDING_BYTES, RECORDING_BODY_LIMIT
from daemon.views import Busy, PageState
from tests.api.conftest import PAGE, bearer
from tests.api.fake_control import FakeControl

PAGE_FIELDS = {
    "id", "kind", "state", "text", "urgent", "requested_at", "requested_by", "duration_seconds",
    "position", "eta_seconds", "airs_after", "aired_at", "finished_at", "reason", "recorded_by",
}  # fmt: skip
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 64


@pytest.fixture
def staff(fake: FakeControl) -> dict[str, str]:
    return bearer(fake, "staff")


def _submit(client: TestClient, headers: dict[str, str], **change: object) -> str:
    r = client.post("/api/pages", json={**PAGE, **change}, headers=headers)
    assert r.status_code == 202, r.text
    page_id: str = r.json()["id"]
    return page_id


def test_preview_gives_the_exact_words(client: TestClient, staff: dict[str, str]) -> None:
    r = client.post("/api/pages/preview", json=PAGE, headers=staff)
    assert r.status_code == 200
    assert r.json() == {"text": "来宾张先生,请听到广播后到一楼服务台。", "closed": ""}


def test_a_title_in_a_staff_page_is_refused_naming_the_field_in_chinese(
    client: TestClient, staff: dict[str, str]
) -> None:
    page = {"kind": "staff", "name": "王经理", "honorific": "先生", "place": "三楼办公室"}
    for path in ("/api/pages/preview", "/api/pages"):
        r = client.post(path, json=page, headers=staff)
        assert r.status_code == 422
        body = r.json()
        assert body["code"] == "title_or_department"
        assert body["field"] == "name"
        assert "「经理」" in body["message"] and "本公司" in body["message"]


def test_submit_is_202_with_location_and_the_whole_page(
    client: TestClient, staff: dict[str, str]
) -> None:
    r = client.post("/api/pages", json=PAGE, headers=staff)
    assert r.status_code == 202
    body = r.json()
    assert set(body) == PAGE_FIELDS
    assert r.headers["location"] == f"/api/pages/{body['id']}"
    assert body["state"] == "queued"
    assert body["position"] == 1
    assert body["requested_by"] == "staff"
    assert body["urgent"] is False
    lost = client.post(
        "/api/pages", json={"kind": "lost_child", "name": "小明", "place": "一楼"}, headers=staff
    ).json()
    assert lost["urgent"] is True  # urgent by default for a lost child ...
    assert lost["position"] == 1  # ... and so ahead of the customer


def test_a_retry_with_the_same_idempotency_key_is_200_with_the_same_page(
    client: TestClient, staff: dict[str, str]
) -> None:
    headers = {**staff, "Idempotency-Key": "phone-42:attempt"}
    first = client.post("/api/pages", json=PAGE, headers=headers)
    assert first.status_code == 202
    again = client.post("/api/pages", json=PAGE, headers=headers)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["location"] == first.headers["location"]


def test_the_same_page_twice_within_two_minutes_is_the_first(
    client: TestClient, staff: dict[str, str], fake: FakeControl
) -> None:
    first = _submit(client, staff)
    r = client.post("/api/pages", json=PAGE, headers=staff)
    assert (r.status_code, r.json()["id"]) == (200, first)
    fake.advance(121)
    assert _submit(client, staff) != first


@pytest.mark.parametrize("key", ["", "键", "a" * 101, "tab\there", "nul\x00"])
def test_a_bad_idempotency_key_is_422(client: TestClient, staff: dict[str, str], key: str) -> None:
    headers = {**staff, "Idempotency-Key": key.encode()}  # bytes: httpx sends them as they are
    r = client.post("/api/pages", json=PAGE, headers=headers)
    assert r.status_code == 422
    assert r.json()["field"] == "idempotency-key"


def test_too_many_pages_is_429_with_retry_after(
    client: TestClient, staff: dict[str, str], fake: FakeControl
) -> None:
    for n in range(FakeControl.PAGE_LIMIT):
        _submit(client, staff, place=f"{n + 1}号门")
        fake.advance(5)
    r = client.post("/api/pages", json={**PAGE, "place": "六号门"}, headers=staff)
    assert r.status_code == 429
    assert r.headers["retry-after"] == "35"
    assert r.json()["retry_after"] == 35
    assert r.json()["code"] == "too_many_pages"


def test_outside_business_hours_is_409(
    client: TestClient, staff: dict[str, str], fake: FakeControl
) -> None:
    fake.open = False
    previewed = client.post("/api/pages/preview", json=PAGE, headers=staff)
    assert previewed.status_code == 200 and previewed.json()["closed"] == fake.paging_closed()
    r = client.post("/api/pages", json=PAGE, headers=staff)
    assert r.status_code == 409
    assert r.json() == {"code": "closed", "message": fake.paging_closed()}


def test_busy_playing_side_is_503(
    client: TestClient, staff: dict[str, str], fake: FakeControl
) -> None:
    fake.fail_next = Busy("busy", "播音系统忙,请再试一次")
    r = client.post("/api/pages", json=PAGE, headers=staff)
    assert r.status_code == 503
    assert r.json() == {"code": "busy", "message": "播音系统忙,请再试一次"}


def test_get_a_page_and_404s(client: TestClient, fake: FakeControl, staff: dict[str, str]) -> None:
    page_id = _submit(client, staff)
    assert client.get(f"/api/pages/{page_id}", headers=staff).json()["id"] == page_id
    r = client.get("/api/pages/p9999", headers=staff)
    assert r.status_code == 404
    assert r.json() == {"code": "page_not_found", "message": "找不到这条广播"}
    # another person's page: hidden from other staff, shown to the service desk
    assert client.get(f"/api/pages/{page_id}", headers=bearer(fake, "supervisor")).is_success
    other_staff = fake.add_user("staff2", "pw-staff2-secret", *fake.accounts["staff"].user.roles)
    r = client.get(f"/api/pages/{page_id}", headers=bearer(fake, other_staff.name))
    assert r.status_code == 404


def test_list_pages_by_state_and_date(
    client: TestClient, staff: dict[str, str], fake: FakeControl
) -> None:
    kept = _submit(client, staff)
    gone = _submit(client, staff, place="二楼")
    client.delete(f"/api/pages/{gone}", headers=staff)
    everything = client.get("/api/pages", headers=staff).json()
    assert [p["id"] for p in everything] == [kept, gone]
    queued = client.get("/api/pages?state=queued", headers=staff).json()
    assert [p["id"] for p in queued] == [kept]
    assert client.get("/api/pages?date=2026-11-23", headers=staff).json() == everything
    assert client.get("/api/pages?date=2026-11-22", headers=staff).json() == []


@pytest.mark.parametrize(
    ("query", "field"),
    [("state=bogus", "state"), ("date=2026-13-45", "date"), ("date=23.11.2026", "date")],
)
def test_bad_list_filters_are_422(
    client: TestClient, staff: dict[str, str], query: str, field: str
) -> None:
    r = client.get(f"/api/pages?{query}", headers=staff)
    assert r.status_code == 422
    assert r.json()["field"] == field
    assert r.json()["code"] == "invalid"
    if field == "state":
        assert r.json()["message"] == ("「状态」只能是:queued、on_air、aired、cancelled、skipped")


def test_cancel_a_queued_page_then_409(client: TestClient, staff: dict[str, str]) -> None:
    page_id = _submit(client, staff)
    r = client.delete(f"/api/pages/{page_id}", headers=staff)
    assert r.status_code == 200
    assert r.json()["state"] == "cancelled"
    assert r.json()["finished_at"] is not None
    r = client.delete(f"/api/pages/{page_id}", headers=staff)
    assert r.status_code == 409
    assert r.json()["code"] == "not_queued"
    assert client.delete("/api/pages/p9999", headers=staff).status_code == 404


def test_a_page_on_air_cannot_be_cancelled_it_finishes(
    client: TestClient, staff: dict[str, str], fake: FakeControl
) -> None:
    page_id = _submit(client, staff)
    fake.set_state(page_id, PageState.ON_AIR)
    r = client.delete(f"/api/pages/{page_id}", headers=staff)
    assert r.status_code == 409
    assert r.json()["code"] == "on_air"
    assert "播完" in r.json()["message"]
    assert client.get(f"/api/pages/{page_id}", headers=staff).json()["state"] == "on_air"


def test_a_trained_announcer_records_a_page(client: TestClient, fake: FakeControl) -> None:
    trained = bearer(fake, "trained")
    page_id = _submit(client, trained)
    r = client.post(
        f"/api/pages/{page_id}/recording", files={"audio": ("p.wav", WAV)}, headers=trained
    )
    assert r.status_code == 200, r.text
    assert r.json()["recorded_by"] == "trained"
    assert any(what == f"record {page_id} p.wav" for _, what, _ in fake.audit)


def test_recording_refusals(client: TestClient, fake: FakeControl) -> None:
    trained, untrained = bearer(fake, "trained"), bearer(fake, "announcer")
    page_id = _submit(client, trained)
    url = f"/api/pages/{page_id}/recording"
    r = client.post(url, files={"audio": ("p.wav", WAV)}, headers=untrained)
    assert r.status_code == 403
    assert r.json()["code"] == "not_trained"
    r = client.post(url, files={"audio": ("p.txt", b"hello, not audio")}, headers=trained)
    assert r.status_code == 422
    assert (r.json()["code"], r.json()["field"]) == ("not_audio", "audio")
    r = client.post(url, data={"audio": "not a file"}, headers=trained)
    assert r.status_code == 422
    assert r.json()["field"] == "audio"
    r = client.post(url, headers=trained)
    assert r.status_code == 422
    assert r.json()["field"] == "audio"
    r = client.post("/api/pages/p9999/recording", files={"audio": ("p.wav", WAV)}, headers=trained)
    assert r.status_code == 404
    fake.set_state(page_id, PageState.AIRED)
    r = client.post(url, files={"audio": ("p.wav", WAV)}, headers=trained)
    assert r.status_code == 409


def test_a_recording_over_30_mb_is_413(client: TestClient, fake: FakeControl) -> None:
    trained = bearer(fake, "trained")
    page_id = _submit(client, trained)
    big = WAV + b"\x00" * (MAX_RECORDING_BYTES + 1 - len(WAV))  # under the body limit
    r = client.post(
        f"/api/pages/{page_id}/recording", files={"audio": ("p.wav", big)}, headers=trained
    )
    assert r.status_code == 413
    assert r.json() == {"code": "too_large", "message": "请求内容太大:最多 30 MB"}
    assert fake.store[page_id].view.recorded_by == ""


def _raw_post(
    app: FastAPI, path: str, headers: dict[str, str], chunks: list[bytes]
) -> tuple[int, int]:
    """POST by raw ASGI; (status, how many body chunks the app pulled)."""
    pulled = 0
    status = 0

    async def receive() -> Message:
        nonlocal pulled
        if pulled < len(chunks):
            pulled += 1
            return {"type": "http.request", "body": chunks[pulled - 1], "more_body": True}
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 5000), "server": ("testserver", 80),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }  # fmt: skip
    asyncio.run(app(scope, receive, send))
    return status, pulled


def test_an_upload_over_the_limit_is_refused_before_it_is_read(
    app: FastAPI, fake: FakeControl
) -> None:
    auth = bearer(fake, "trained")
    declared = {**auth, "Content-Type": "multipart/form-data; boundary=x"}
    declared["Content-Length"] = str(RECORDING_BODY_LIMIT + 1)
    assert _raw_post(app, "/api/pages/p0001/recording", declared, [b"--x\r\n"] * 4) == (413, 0)
    mib = b"\x00" * (1024 * 1024)
    head = (
        b'--x\r\nContent-Disposition: form-data; name="audio"; filename="a.wav"\r\n'
        b"Content-Type: audio/wav\r\n\r\n"
    )
    chunks = [head, *[mib] * 40]
    streamed = {**auth, "Content-Type": "multipart/form-data; boundary=x"}
    status, pulled = _raw_post(app, "/api/pages/p0001/recording", streamed, chunks)
    assert status == 413
    assert pulled <= 32 < len(chunks)  # stopped at the limit, not at the end
