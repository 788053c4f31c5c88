"""Emergency precedence through the real desk, the store and an engine on virtual time: what
the desk is told (on air, preempting, waiting behind) is what the engine then airs; a clear
names what it clears; the audit log and a restart keep every active emergency."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from daemon.drivers.virtual import VirtualStation
from daemon.model import ItemKind
from daemon.recovery import recover
from daemon.speech.speaker import Speaker
from daemon.store import Store
from tests.api.test_desk import World, build
from tests.factory import emergency_script

FIRE = emergency_script("fire", 30.0, priority=9)
POWER = emergency_script("power", 20.0, priority=5)
FLOOD = emergency_script("flood", 25.0, priority=5)


@pytest.fixture
def world(tmp_path: Path, speaker: Speaker) -> Iterator[World]:
    store = Store(tmp_path / "mall-pa.db")
    w = build(store, speaker, scripts=[FIRE, POWER, FLOOD])
    w.desk.accounts.add_user("desk", "desk-password", ["announcer"], True, "test", "local")
    yield w
    store.close()


def on_air(world: World) -> str:
    item = world.station.playout.item
    assert item is not None and item.kind is ItemKind.EMERGENCY
    return item.ref


def active(world: World, desk: dict[str, str]) -> list[tuple[str, str, str]]:
    status: dict[str, Any] = world.client.get("/api/status", headers=desk).json()
    return [(e["script"], e["state"], e["behind"]) for e in status["emergencies"]]


def start(world: World, desk: dict[str, str], script: str, code: int = 202) -> dict[str, Any]:
    r = world.client.post("/api/emergency", json={"script": script}, headers=desk)
    assert r.status_code == code, r.text
    body: dict[str, Any] = r.json()
    world.station.advance(0.5)
    return body


def test_a_higher_one_preempts_an_equal_one_waits_and_each_is_cleared_by_name(
    world: World,
) -> None:
    desk = world.login("desk")
    presets = world.client.get("/api/emergency/presets", headers=desk).json()
    assert [(p["id"], p["priority"]) for p in presets] == [("fire", 9), ("flood", 5), ("power", 5)]

    power = start(world, desk, "power")
    assert (power["state"], power["preempts"], on_air(world)) == ("on_air", "", "power")
    fire = start(world, desk, "fire")
    assert (fire["state"], fire["preempts"], fire["priority"]) == ("on_air", "power", 9)
    assert on_air(world) == "fire"  # the power message was cut at once
    flood = start(world, desk, "flood")
    assert (flood["state"], flood["behind"]) == ("waiting", "fire")
    assert on_air(world) == "fire"
    assert active(world, desk) == [
        ("fire", "on_air", ""), ("power", "waiting", "fire"), ("flood", "waiting", "fire"),
    ]  # fmt: skip
    again = start(world, desk, "power", 200)  # pressed twice: nothing changes
    assert (again["started_at"], again["state"]) == (power["started_at"], "waiting")

    which = world.client.post("/api/emergency/clear", headers=desk)
    assert which.status_code == 409 and which.json()["code"] == "which_emergency"
    for name in ("fire", "power", "flood"):
        assert name in which.json()["message"]  # it lists what could be cleared
    gone = world.client.post("/api/emergency/clear", json={"script": "nothing"}, headers=desk)
    assert gone.status_code == 409 and gone.json()["code"] == "not_active"

    cleared = world.client.post("/api/emergency/clear", json={"script": "flood"}, headers=desk)
    assert (cleared.status_code, cleared.json()["state"]) == (200, "cleared")
    assert cleared.json()["script"] == "flood" and cleared.json()["cleared_by"] == "desk"
    world.station.advance(0.5)
    assert on_air(world) == "fire"  # clearing a waiting one changes nothing on air

    world.client.post("/api/emergency/clear", json={"script": "fire"}, headers=desk)
    world.station.advance(40.0)  # the fire's item on air finishes, then the power again
    assert on_air(world) == "power"
    assert active(world, desk) == [("power", "on_air", "")]
    resumed = [e for e in world.station.playout.timeline if e.ref == "power"]
    assert resumed[0].interrupted  # the one cut by the fire

    last = world.client.post("/api/emergency/clear", headers=desk)  # the only one: no name
    assert (last.status_code, last.json()["script"]) == (200, "power")
    status = world.client.get("/api/status", headers=desk).json()
    assert status["emergencies"] == [] and status["emergency"]["script"] == "power"
    assert status["emergency"]["state"] == "cleared"
    none = world.client.post("/api/emergency/clear", headers=desk)
    assert none.status_code == 409 and none.json()["code"] == "no_emergency"

    audit = [(a.action, a.target) for a in reversed(world.store.audit_log())]
    assert [a for a in audit if a[0].startswith("emergency")] == [
        ("emergency", "power"), ("emergency", "fire"), ("emergency", "flood"),
        ("emergency_clear", "flood"), ("emergency_clear", "fire"), ("emergency_clear", "power"),
    ]  # fmt: skip


def test_a_restart_takes_every_active_emergency_up_in_its_precedence(
    world: World, speaker: Speaker
) -> None:
    desk = world.login("desk")
    start(world, desk, "fire")
    start(world, desk, "power")
    later = world.station.now() + 20
    recovery = recover(world.store, world.station.plan, world.presets, speaker, later)
    assert [c.script.id for c in recovery.emergencies] == ["fire", "power"]
    station = VirtualStation(world.station.plan, later, recovery)
    item = station.playout.item
    assert item is not None and item.ref == "fire"
    snapshot = station.playout.engine.snapshot().emergency
    assert snapshot is not None and snapshot.waiting == ("power",)


def test_a_restart_knows_the_days_clears_for_the_all_clears_still_owed(
    world: World, speaker: Speaker
) -> None:
    desk = world.login("desk")
    start(world, desk, "fire")
    start(world, desk, "power")
    world.client.post("/api/emergency/clear", json={"script": "fire"}, headers=desk)
    cleared = world.station.now()
    world.station.advance(5.0)
    recovery = recover(world.store, world.station.plan, world.presets, speaker, cleared + 5)
    assert [c.script.id for c in recovery.emergencies] == ["power"]
    assert [ref for ref, _ in recovery.cleared] == ["fire"]
    assert abs(recovery.cleared[0][1] - cleared) < 1.0
