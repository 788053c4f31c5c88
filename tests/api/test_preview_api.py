"""Preview by simulation over HTTP (issue 13, item 3): a submitted campaign simulated day by
day over its dates with the current schedule (the fake's small real store: an approved
campaign airing after every song, two announcements a break), before anyone approves it;
and the break it would air in, to listen to."""

from __future__ import annotations

import io
import wave
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.api.fake_control import FakeControl

DRAW: dict[str, Any] = {
    "id": "xmas-draw",
    "kind": "campaign",
    "title": "圣诞抽奖",
    "text": "圣诞期间购物满三百元即可参加抽奖。",
    "valid_from": "2026-11-23",
    "valid_until": "2026-11-29",
    "weekdays": ["sat", "sun"],
    "dayparts": ["evening"],
    "every_songs": 1,
    "max_per_day": 40,
}


def drafted(client: TestClient, fake: FakeControl, script: dict[str, Any]) -> str:
    r = client.post("/api/scripts", json=script, headers=bearer(fake, "marketing"))
    assert r.status_code == 201, r.text
    return f"/api/scripts/{r.json()['id']}"


def test_a_planner_sees_each_day_its_plays_and_what_it_crowds_out(
    client: TestClient, fake: FakeControl
) -> None:
    url = drafted(client, fake, DRAW)
    r = client.get(f"{url}/preview", headers=bearer(fake, "planner"))
    assert r.status_code == 200, r.text
    preview = r.json()
    days = preview["days"]
    assert [d["day"] for d in days] == [f"2026-11-{n}" for n in range(23, 30)]
    weekend = [d for d in days if d["weekday"] in ("周六", "周日")]
    assert [d["day"] for d in weekend] == ["2026-11-28", "2026-11-29"]
    assert all(d["held"] == "off" and d["note"] for d in days if d not in weekend)
    for day in weekend:
        assert day["asked"] == 40 and 0 < day["airs"] <= 40  # its cap
        assert all("14:00" <= t < "22:00" for t in day["times"])  # the evening daypart
        assert len(day["times"]) == day["airs"]
        [loss] = day["losses"]  # two a break: the sale after every song loses places
        assert loss["script_id"] == "winter-sale" and loss["with_it"] < loss["without"]
    assert preview["airs"] == sum(d["airs"] for d in days) and preview["audio"] is True
    assert preview["losses"][0]["script_id"] == "winter-sale"
    assert "找人广播" in preview["pages"]


def test_a_frequency_the_days_cannot_hold_is_shown_before_approval(
    client: TestClient, fake: FakeControl
) -> None:
    greedy = {**DRAW, "id": "greedy", "every_songs": 1, "max_per_day": None,
              "dayparts": ["12:00-12:30"], "weekdays": []}  # fmt: skip
    greedy = {k: v for k, v in greedy.items() if v is not None}
    url = drafted(client, fake, greedy)
    preview = client.get(f"{url}/preview", headers=bearer(fake, "marketing")).json()
    assert all(d["held"] in ("short", "full") for d in preview["days"])
    every_minutes = {**greedy, "id": "never", "every_songs": None, "every_minutes": 45,
                     "dayparts": ["10:00-10:30"]}  # fmt: skip
    url = drafted(client, fake, {k: v for k, v in every_minutes.items() if v is not None})
    preview = client.get(f"{url}/preview", headers=bearer(fake, "marketing")).json()
    assert {d["held"] for d in preview["days"]} == {"none"}  # 45 min from opening: too late
    assert all(d["note"].startswith("开门 45 分钟后才第一次轮到它") for d in preview["days"])
    assert preview["warnings"] and "一次也播不出" in preview["warnings"][0]
    listen = client.get(f"{url}/preview.wav", headers=bearer(fake, "planner"))
    assert (listen.status_code, listen.json()["code"]) == (409, "never_airs")


def test_the_break_can_be_heard_as_the_store_would_air_it(
    client: TestClient, fake: FakeControl
) -> None:
    url = drafted(client, fake, DRAW)
    r = client.get(f"{url}/preview.wav", headers=bearer(fake, "planner"))
    assert r.status_code == 200 and r.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(r.content)) as audio:
        seconds = audio.getnframes() / audio.getframerate()
    spoken = 2 + 2 + 2 * 3  # intro, outro, two announcements of a few seconds at least
    assert spoken < seconds < 60, seconds


def test_only_the_scripts_readers_preview_and_bad_versions_are_named(
    client: TestClient, fake: FakeControl
) -> None:
    url = drafted(client, fake, DRAW)
    assert client.get(f"{url}/preview", headers=bearer(fake, "announcer")).status_code == 403
    assert client.get(f"{url}/preview").status_code == 401
    missing = client.get("/api/scripts/999/preview", headers=bearer(fake, "planner"))
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
