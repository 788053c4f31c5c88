"""The API over the real control (Desk, store, accounts) and an engine on virtual time.

No test sleeps: the station's clock moves only when a test calls `advance`. What a phone sees
(position, ETA, on air, aired) is checked against what the engine then really airs.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from api import create_app
from daemon.accounts import Accounts
from daemon.control import Control
from daemon.desk import Desk
from daemon.drivers.virtual import VirtualStation
from daemon.model import Clear, ItemKind, Script, Source, Track
from daemon.recorder import Recorder
from daemon.recovery import recover
from daemon.speech.speaker import Speaker
from daemon.store import Store
from daemon.views import PageIn
from tests.audio.tones import write_m4a
from tests.factory import at, emergency_script, make_plan

CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PAGE = {"kind": "customer", "name": "张", "honorific": "先生", "place": "一楼服务台"}
STAFF = {"kind": "staff", "name": "李", "honorific": "小姐", "place": "三楼办公室"}


@dataclass
class World:
    station: VirtualStation
    store: Store
    desk: Desk
    client: TestClient
    presets: dict[str, Script]
    speaker: Speaker

    def login(self, name: str) -> dict[str, str]:
        token = self.desk.login(name, f"{name}-password", "127.0.0.1").token
        return {"Authorization": f"Bearer {token}"}


def preset(script: Script, seconds: float = 20.0) -> Script:
    """The emergency script with its spoken audio, as the day plan gives it."""
    return replace(script, audio=Track(Path(f"/lib/{script.id}.wav"), script.id, seconds))


def build(
    store: Store, speaker: Speaker, start: str = "15:00:05", scripts: list[Script] | None = None
) -> World:
    plan = make_plan()
    presets = {s.id: preset(s) for s in scripts or [emergency_script()]}
    station = VirtualStation(plan, at(plan, start))
    station.subscribe(Recorder(store, lambda: plan.day))
    accounts = Accounts(store, clock=station.now, hasher=CHEAP)
    desk = Desk(station, store, accounts, speaker, presets, clock=station.now)
    control: Control = desk  # the Desk is a Control
    app = create_app(control)
    app.state.clock = lambda: datetime.fromtimestamp(station.now(), UTC)
    return World(station, store, desk, TestClient(app), presets, speaker)


@pytest.fixture
def world(tmp_path: Path, speaker: Speaker) -> Iterator[World]:
    store = Store(tmp_path / "mall-pa.db")
    w = build(store, speaker)
    for name, roles, trained in [
        ("staff", ["staff"], False),
        ("other", ["staff"], False),
        ("desk", ["announcer"], True),
    ]:
        w.desk.accounts.add_user(name, f"{name}-password", roles, trained, "test", "local")
    yield w
    store.close()


def test_a_page_is_queued_with_its_place_and_eta_then_airs_when_the_engine_said(
    world: World,
) -> None:
    staff = world.login("staff")
    preview = world.client.post("/api/pages/preview", json=PAGE, headers=staff)
    assert preview.status_code == 200 and preview.json()["text"].startswith("来宾张先生")
    asked = world.station.now()
    sent = world.client.post("/api/pages", json=PAGE, headers=staff)
    assert sent.status_code == 202, sent.text
    page = sent.json()
    assert (page["state"], page["position"], page["airs_after"]) == (
        "queued",
        1,
        "the current song",
    )
    eta = page["eta_seconds"]
    assert eta is not None and eta > 0
    world.station.advance(eta + 0.5)
    on_air = world.client.get(f"/api/pages/{page['id']}", headers=staff).json()
    assert on_air["state"] == "on_air"
    world.station.advance(page["duration_seconds"] + 1)
    aired = world.client.get(f"/api/pages/{page['id']}", headers=staff).json()
    assert aired["state"] == "aired" and aired["aired_at"] is not None
    announcement = next(e for e in world.station.playout.timeline if e.ref == page["id"])
    assert announcement.start == pytest.approx(asked + eta, abs=0.1)  # as forecast
    timeline = world.client.get("/api/timeline", headers=staff).json()["entries"]
    assert any(e["ref"] == page["id"] and e["kind"] == "announcement" for e in timeline)


def test_a_retry_returns_the_first_page_and_a_flood_is_slowed(world: World) -> None:
    staff = world.login("staff")
    key = {"Idempotency-Key": "phone-1-abc", **staff}
    first = world.client.post("/api/pages", json=PAGE, headers=key)
    again = world.client.post("/api/pages", json=PAGE, headers=key)
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["id"] == first.json()["id"]
    same = world.client.post("/api/pages", json=PAGE, headers=staff)  # no key, within 2 min
    assert same.status_code == 200 and same.json()["id"] == first.json()["id"]
    statuses = [
        world.client.post("/api/pages", json={**PAGE, "name": name}, headers=staff).status_code
        for name in ["王", "赵", "钱", "孙", "周", "吴"]
    ]
    assert statuses[:5] == [202] * 5 and statuses[5] == 429


def test_cancel_while_queued_but_not_on_air(world: World) -> None:
    staff = world.login("staff")
    first = world.client.post("/api/pages", json=PAGE, headers=staff).json()
    second = world.client.post("/api/pages", json=STAFF, headers=staff).json()
    cancelled = world.client.delete(f"/api/pages/{second['id']}", headers=staff)
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    world.station.advance(first["eta_seconds"] + 0.5)
    on_air = world.client.delete(f"/api/pages/{first['id']}", headers=staff)
    assert on_air.status_code == 409 and on_air.json()["code"] == "on_air"
    world.station.advance(60)
    aired = [e.ref for e in world.station.playout.timeline if e.kind is ItemKind.ANNOUNCEMENT]
    assert aired == [first["id"]]


def test_a_person_sees_their_own_pages_and_the_desk_sees_all(world: World) -> None:
    mine = world.client.post("/api/pages", json=PAGE, headers=world.login("staff")).json()
    theirs = world.login("other")
    assert world.client.get(f"/api/pages/{mine['id']}", headers=theirs).status_code == 404
    assert world.client.get("/api/pages", headers=theirs).json() == []
    desk = world.client.get("/api/pages", headers=world.login("desk")).json()
    assert [p["id"] for p in desk] == [mine["id"]]


def test_an_emergency_cuts_in_and_clears_and_status_follows(world: World) -> None:
    desk = world.login("desk")
    status = world.client.get("/api/status", headers=desk).json()
    assert status["now_playing"]["kind"] == "music" and not status["on_air"]
    assert status["campaigns_held_until"] is None
    assert status["upcoming"] and status["emergency"]["active"] is False
    started = world.client.post("/api/emergency", json={"script": "fire"}, headers=desk)
    assert started.status_code == 202 and started.json()["active"] is True
    world.station.advance(0.1)
    status = world.client.get("/api/status", headers=desk).json()
    assert status["now_playing"]["kind"] == "emergency" and status["on_air"] is True
    assert status["emergency"]["started_by"] == "desk"
    cleared = world.client.post("/api/emergency/clear", json={}, headers=desk)
    assert cleared.status_code == 200 and cleared.json()["active"] is False
    world.station.advance(2.0)  # the message fades out, the music comes back
    held = world.client.get("/api/status", headers=desk).json()["campaigns_held_until"]
    calm = world.station.now() + world.station.plan.calm_after_emergency
    assert held is not None and abs(datetime.fromisoformat(held).timestamp() - calm) < 2.0
    assert world.client.post("/api/emergency/clear", json={}, headers=desk).status_code == 409
    last = world.client.get("/api/emergency", headers=desk).json()  # the day's last one
    assert (last["active"], last["title"], last["started_by"], last["cleared_by"]) == (
        False,
        world.presets["fire"].title,
        "desk",
        "desk",
    )


def test_pages_are_refused_outside_business_hours(tmp_path: Path, speaker: Speaker) -> None:
    store = Store(tmp_path / "db")
    w = build(store, speaker, start="09:00")
    w.desk.accounts.add_user("staff", "staff-password", ["staff"], False, "test", "local")
    staff = w.login("staff")
    said = "现在不在营业时间(10:00-22:00),找人广播发不出去(B16);紧急情况请用紧急广播。"
    previewed = w.client.post("/api/pages/preview", json=PAGE, headers=staff)
    assert previewed.status_code == 200 and previewed.json()["closed"] == said  # told first
    refused = w.client.post("/api/pages", json=PAGE, headers=staff)
    assert refused.status_code == 409 and refused.json() == {"code": "closed", "message": said}
    store.close()


def test_after_a_crash_taken_pages_air_exactly_once_and_the_emergency_is_back(
    tmp_path: Path, speaker: Speaker
) -> None:
    store = Store(tmp_path / "db")
    w = build(store, speaker)
    w.desk.accounts.add_user("desk", "desk-password", ["announcer"], True, "test", "local")
    desk = w.login("desk")
    first = w.client.post("/api/pages", json=PAGE, headers=desk).json()
    second = w.client.post("/api/pages", json=STAFF, headers=desk).json()
    w.station.advance(first["eta_seconds"] + 1.0)  # the first page is on air ...
    store.heartbeat(w.station.now())
    w.client.post("/api/emergency", json={"script": "fire"}, headers=desk)
    w.station.advance(0.5)
    store.heartbeat(w.station.now())
    # ... the process dies here: no finish, no clean stop. A new one starts 20 s later.
    crash = w.station.now()
    later = crash + 20
    plan = w.station.plan
    recovery = recover(store, plan, w.presets, speaker, later)
    station = VirtualStation(plan, later, recovery)
    assert len(recovery.emergencies) == 1  # active again at once
    first_item = station.playout.item
    assert first_item is not None and first_item.source is Source.EMERGENCY
    assert [p.id for p, _ in recovery.pages] == [first["id"], second["id"]]
    station.submit(Clear())
    station.advance(600)
    aired = [
        e.ref
        for e in station.playout.timeline
        if e.kind is ItemKind.ANNOUNCEMENT and not e.interrupted
    ]
    assert aired == [first["id"], second["id"]]  # each exactly once, the cut one again in full
    cut = [e for e in store.asrun(plan.day.isoformat()) if e.interrupted]
    assert cut and cut[-1].end <= crash + 1e-6  # logged as cut at the last heartbeat
    store.close()


def test_a_trained_announcer_puts_their_own_recording_on_air(world: World, tmp_path: Path) -> None:
    desk = world.login("desk")
    page = world.client.post("/api/pages", json=PAGE, headers=desk).json()
    recording = tmp_path / "voice.m4a"
    write_m4a(recording, 2.0)
    files = {"audio": ("voice.m4a", recording.read_bytes(), "audio/mp4")}
    staff = world.login("staff")
    refused = world.client.post(f"/api/pages/{page['id']}/recording", files=files, headers=staff)
    assert refused.status_code == 403
    sent = world.client.post(f"/api/pages/{page['id']}/recording", files=files, headers=desk)
    assert sent.status_code == 200, sent.text
    assert sent.json()["recorded_by"] == "desk" and sent.json()["state"] == "queued"
    silent = {"audio": ("x.webm", b"not audio at all", "audio/webm")}
    bad = world.client.post(f"/api/pages/{page['id']}/recording", files=silent, headers=desk)
    assert bad.status_code == 422 and bad.json()["code"] == "recording_not_audio"
    world.station.advance(sent.json()["eta_seconds"] + 20)
    aired = [e for e in world.station.playout.timeline if e.ref == page["id"]]
    assert [e.kind for e in aired] == [ItemKind.ANNOUNCEMENT]
    assert world.store.page(page["id"]).recorded_by == "desk"  # type: ignore[union-attr]


def test_the_event_feed_tells_a_phone_its_page_went_on_air(world: World) -> None:
    user = world.desk.session_user(world.login("staff")["Authorization"][7:])
    assert user is not None

    queues: list[object] = []

    async def watch() -> list[str]:
        feed = world.desk.subscribe()
        page, _ = world.desk.submit_page(
            user[0], PageIn("customer", "张", "先生", "一楼服务台"), "::1"
        )
        world.station.advance((page.eta_seconds or 0) + 1)
        seen: list[str] = []
        async for event in feed:
            if event.type == "page" and event.data["id"] == page.id:
                seen.append(str(event.data["state"]))
            if event.type == "queue":
                queues.append(event.data["pages"])
            if seen[-1:] == ["on_air"]:
                feed.close()
        return seen

    assert asyncio.run(asyncio.wait_for(watch(), 5)) == ["queued", "on_air"]
    first = queues[0]
    assert isinstance(first, list) and first[0]["position"] == 1 and first[0]["eta_seconds"] > 0
    assert queues[-1] == []  # once it is on air, nothing waits


def test_a_recorded_page_airs_in_the_announcers_voice_from_the_start(
    world: World, tmp_path: Path
) -> None:
    recording = tmp_path / "voice.m4a"
    write_m4a(recording, 2.0)
    files = {"audio": ("voice.m4a", recording.read_bytes(), "audio/mp4")}
    form = {"page": json.dumps(PAGE)}
    staff = world.login("staff")
    refused = world.client.post("/api/pages/recorded", data=form, files=files, headers=staff)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden_role"
    desk = world.login("desk")
    noise = {"audio": ("x.webm", b"not audio at all", "audio/webm")}
    bad = world.client.post("/api/pages/recorded", data=form, files=noise, headers=desk)
    assert bad.status_code == 422 and bad.json()["code"] == "recording_not_audio"
    assert world.client.get("/api/pages", headers=desk).json() == []  # nothing taken
    wrong = {"page": json.dumps({**PAGE, "kind": "parrot"})}
    invalid = world.client.post("/api/pages/recorded", data=wrong, files=files, headers=desk)
    assert invalid.status_code == 422 and invalid.json()["field"] == "page.kind"
    key = {**desk, "Idempotency-Key": "rec-1"}
    sent = world.client.post("/api/pages/recorded", data=form, files=files, headers=key)
    assert sent.status_code == 202, sent.text
    page = sent.json()
    assert (page["state"], page["recorded_by"]) == ("queued", "desk")
    again = world.client.post("/api/pages/recorded", data=form, files=files, headers=key)
    assert again.status_code == 200 and again.json()["id"] == page["id"]
    world.station.advance(page["eta_seconds"] + 20)
    aired = [e for e in world.station.playout.timeline if e.ref == page["id"]]
    assert len(aired) == 1
    assert aired[0].end - aired[0].start == pytest.approx(page["duration_seconds"], abs=0.01)
    stored = world.store.page(page["id"])
    assert stored is not None and stored.recorded_by == "desk"
    assert stored.duration < 6  # the 2 s recording read twice, not the synthetic voice


def test_the_paging_form_offers_what_the_rules_accept(world: World) -> None:
    form = world.client.get("/api/paging", headers=world.login("staff")).json()
    kinds = {k["kind"]: k for k in form["kinds"]}
    assert kinds["customer"]["fields"] == ["name", "honorific", "place"]
    assert kinds["vehicle"]["fields"] == ["plate", "place"]
    assert kinds["lost_child"]["urgent"] and not kinds["customer"]["urgent"]
    assert [k["label"] for k in form["kinds"]] == ["来宾", "本公司", "走失儿童", "寻车"]
    rules = world.speaker.rules
    assert form["honorifics"] == list(rules.honorifics) and form["places"] == list(rules.places)
    assert form["repeat"] == rules.repeat and form["limits"]["name"] == 20


def test_a_full_queue_refuses_a_page_at_the_door_with_the_reason_and_when_to_retry(
    world: World,
) -> None:
    names = iter("赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜")
    answers = []
    for user in range(6):
        world.desk.accounts.add_user(f"u{user}", f"u{user}-password", ["staff"], False, "t", "l")
        auth = world.login(f"u{user}")
        for _ in range(5):
            page = {**PAGE, "name": next(names)}
            answers.append(world.client.post("/api/pages", json=page, headers=auth))
    taken = [a for a in answers if a.status_code == 202]
    refused = [a for a in answers if a.status_code != 202]
    assert taken and refused and {a.status_code for a in refused} == {429}
    assert all(a.json()["code"] == "queue_full" for a in refused)
    assert refused[0].headers["Retry-After"] == "120"
    assert max(a.json()["eta_seconds"] for a in taken) <= 1800  # every page taken airs soon
    skipped = [e for e in world.station.playout.timeline if e.kind is ItemKind.SKIPPED]
    assert len(skipped) == len(refused)  # each refusal is in the as-run log, with its reason
    assert all(e.reason.startswith("the page queue is full: ") for e in skipped)
