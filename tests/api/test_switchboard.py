"""The switchboard's greeting over HTTP (S1): for now or for `?at=`, and its refusals."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.api.fake_control import FakeControl

URL = "/api/switchboard/greeting"


@pytest.fixture
def staff(fake: FakeControl) -> dict[str, str]:
    return bearer(fake, "staff")


@pytest.mark.parametrize(
    ("at", "text", "changes"),
    [
        ("2026-12-01T09:59:59+08:00", "欧洲村,您早!", "2026-12-01T10:00:00+08:00"),
        ("2026-12-01T10:00:00+08:00", "欧洲村,您好!", "2026-12-02T00:00:00+08:00"),
        ("2026-12-01T01:59:59Z", "欧洲村,您早!", "2026-12-01T10:00:00+08:00"),  # 09:59:59 there
        ("2026-12-01T10:00:00", "欧洲村,您好!", "2026-12-02T00:00:00+08:00"),  # the store's clock
    ],
)
def test_the_greeting_for_a_moment(
    client: TestClient, staff: dict[str, str], at: str, text: str, changes: str
) -> None:
    r = client.get(URL, params={"at": at}, headers=staff)
    assert r.status_code == 200, r.text
    assert r.json() == {"text": text, "morning": text.endswith("您早!"), "changes_at": changes}


def test_the_greeting_now(client: TestClient, staff: dict[str, str], fake: FakeControl) -> None:
    r = client.get(URL, headers=staff)
    assert r.status_code == 200
    shanghai = fake.now.astimezone(ZoneInfo("Asia/Shanghai"))
    assert r.json()["morning"] is (shanghai.hour < 10)


@pytest.mark.parametrize(
    "at", ["yesterday", "2026-13-01T10:00:00", "1999-12-31T23:59:59", "9" * 41]
)
def test_a_bad_moment_is_422_naming_it(client: TestClient, staff: dict[str, str], at: str) -> None:
    r = client.get(URL, params={"at": at}, headers=staff)
    assert r.status_code == 422
    assert r.json()["field"] == "at"


def test_the_greeting_needs_a_sign_in(client: TestClient) -> None:
    assert client.get(URL).status_code == 401
