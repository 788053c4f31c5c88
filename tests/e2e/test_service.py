"""The real `mall-pa run` process on the null device: first run, pages, an emergency, a clean
stop, and recovery after kill -9 (nothing taken lost, nothing doubled, the emergency back)."""

from __future__ import annotations

import signal
import socket
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.running import STORE_ZONE, Running, asrun, make_store, running_process, wait_for

PAGE = {"kind": "customer", "name": "张", "honorific": "先生", "place": "一楼服务台"}
OTHER = {"kind": "customer", "name": "李", "honorific": "小姐", "place": "二楼服务台"}
ADMIN = ("王芳", "correct horse battery")
FIXED = """
id = "soon"
kind = "fixed"
title = "固定播报"
text = "欢迎光临。"
approved_by = "企划部"
approved_at = "2026-11-01"
slots = ["{slot}"]
"""
CAMPAIGN = """
id = "every-song"
kind = "campaign"
title = "活动"
text = "今日特价。"
approved_by = "企划部"
approved_at = "2026-11-01"
every_songs = 1
max_per_day = 2
"""


def first_admin(running: Running) -> dict[str, str]:
    token = wait_for("the setup link on the log", running.setup_link_token, 10)
    name, password = ADMIN
    body = {"token": token, "name": name, "password": password}
    made = running.http.post("/api/setup", json=body)
    assert made.status_code == 200, made.text
    return {"Authorization": f"Bearer {made.json()['token']}"}


def page_state(running: Running, auth: dict[str, str], page_id: str, state: str) -> Any:
    def probe() -> Any:
        page = running.get(f"/api/pages/{page_id}", auth)
        return page if page["state"] == state else None

    return wait_for(f"page {page_id} {state}", probe, 45)  # a page is 12 s on air, real time


def playing(running: Running, auth: dict[str, str], kind: str) -> Any:
    def probe() -> Any:
        now = running.get("/api/status", auth)["now_playing"]
        return now if now is not None and now["kind"] == kind else None

    return wait_for(f"{kind} on air", probe)


def announcements(entries: list[dict[str, Any]], ref: str) -> list[dict[str, Any]]:
    return [e for e in entries if e["kind"] == "announcement" and e["ref"] == ref]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return make_store(tmp_path / "store")


def test_first_run_a_page_an_emergency_and_a_clean_stop(config: Path, tmp_path: Path) -> None:
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(tmp_path / "notify"))
    notify.settimeout(20)
    env = {  # the host's zone 20 h behind the store's: the day is still the store's own
        "TZ": "Etc/GMT+12", "NOTIFY_SOCKET": str(tmp_path / "notify"), "WATCHDOG_USEC": "30000000",
    }  # fmt: skip
    running = Running(config, env)
    heard: dict[str, str] = {}
    while not {"READY", "STATUS", "WATCHDOG"} <= heard.keys():  # each within 20 s
        key, _, value = notify.recv(4096).decode("utf-8").partition("=")
        heard[key] = value
    assert heard["READY"] == "1" and heard["WATCHDOG"] == "1"
    assert heard["STATUS"].startswith("on air: ")
    notify.close()
    admin = first_admin(running)
    assert running.setup_link_token() is not None
    first_music = playing(running, admin, "music")
    started = datetime.fromisoformat(first_music["started_at"]).timestamp()
    assert started - running.started < 5.0  # music within 5 s of the process starting
    sent = running.post("/api/pages", PAGE, admin)
    assert sent.status_code == 202, sent.text
    page = sent.json()
    assert page["state"] == "queued" and page["position"] == 1 and page["eta_seconds"] < 10
    aired = page_state(running, admin, page["id"], "aired")
    assert aired["aired_at"] is not None
    assert running.post("/api/emergency", {"script": "fire"}, admin).status_code == 202
    playing(running, admin, "emergency")
    assert running.get("/api/status", admin)["on_air"] is True
    assert running.post("/api/emergency/clear", {}, admin).status_code == 200
    playing(running, admin, "music")
    assert running.stop() == 0  # SIGTERM: a clean stop
    again = Running(config)
    entries = asrun(again, again.login(*ADMIN))
    assert len(announcements(entries, page["id"])) == 1
    stopped = [e for e in entries if e["end"] <= entries[-1]["start"] and e["interrupted"]]
    assert stopped, "the item on air at the stop is logged as interrupted"
    assert again.stop() == 0


def test_ctrl_c_stops_cleanly_and_the_song_on_air_is_logged_interrupted(config: Path) -> None:
    running = Running(config)
    admin = first_admin(running)
    song = playing(running, admin, "music")
    decoding = running.children()
    assert running.stop(signal.SIGINT) == 0
    assert decoding and not any(map(running_process, decoding))  # stopped and reaped with it
    again = Running(config)
    entries = asrun(again, again.login(*ADMIN))
    stopped = [e for e in entries if e["ref"] == song["ref"] and e["interrupted"]]
    assert stopped and stopped[-1]["start"] < stopped[-1]["end"]  # logged to its true end
    assert again.stop() == 0


def test_after_kill_9_every_page_airs_exactly_once_the_cut_one_again_in_full(
    config: Path,
) -> None:
    running = Running(config)
    admin = first_admin(running)
    first = running.post("/api/pages", PAGE, admin).json()
    second = running.post("/api/pages", OTHER, admin).json()
    page_state(running, admin, first["id"], "on_air")
    decoding = running.children()
    assert decoding, "the service decodes in a process of its own"
    running.kill()  # the decode process sees its orders end, and ends: none is left behind
    wait_for("the decode process to end", lambda: not any(map(running_process, decoding)), 10)
    restarted = Running(config)
    auth = restarted.login(*ADMIN)
    for page in (first, second):
        page_state(restarted, auth, page["id"], "aired")
    entries = asrun(restarted, auth)
    cut = announcements(entries, first["id"])
    assert [e["interrupted"] for e in cut] == [True, False]  # on air at the kill, then in full
    assert [e["interrupted"] for e in announcements(entries, second["id"])] == [False]
    assert restarted.stop() == 0


def test_an_emergency_active_at_kill_9_is_active_again_at_once_until_cleared(
    config: Path,
) -> None:
    running = Running(config)
    admin = first_admin(running)
    assert running.post("/api/emergency", {"script": "fire"}, admin).status_code == 202
    playing(running, admin, "emergency")
    running.kill()
    restarted = Running(config)
    auth = restarted.login(*ADMIN)
    status = restarted.get("/api/status", auth)
    assert status["emergency"]["active"] is True and status["emergency"]["started_by"] == ADMIN[0]
    assert status["now_playing"]["kind"] == "emergency"  # at once: no music first
    assert restarted.post("/api/emergency/clear", {}, auth).status_code == 200
    playing(restarted, auth, "music")
    assert restarted.stop() == 0


def resident_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def test_sign_ins_leave_no_password_hash_in_memory(config: Path) -> None:
    """Each sign-in's argon2id hash takes 19 MiB on a worker thread; glibc kept it in the
    thread's arena once a block that big had been freed (106 -> 129 MB in five sign-ins)."""
    running = Running(config)
    first_admin(running)
    before = resident_mb(running.process.pid)
    for _ in range(6):
        running.login(*ADMIN)
    assert resident_mb(running.process.pid) - before < 10
    assert running.stop() == 0


def test_https_with_the_services_own_certificate(tmp_path: Path) -> None:
    config = make_store(tmp_path / "store", tls=True)
    running = Running(config, scheme="https")
    assert running.http.get("/healthz").status_code == 200  # verified against that certificate
    served = running.http.get("/ca.crt")
    cert = config.parent / "state" / "tls" / "mall-pa.crt"
    assert served.status_code == 200 and served.content == cert.read_bytes()
    assert "SHA-256 fingerprint" in running.output()
    assert running.stop() == 0


def test_after_kill_9_slots_that_aired_and_campaign_plays_are_not_aired_again(
    tmp_path: Path,
) -> None:
    slot = datetime.now(STORE_ZONE) + timedelta(seconds=12)
    scripts = {
        "soon": FIXED.format(slot=f"{slot:%H:%M:%S}"),
        "every-song": CAMPAIGN,
    }
    config = make_store(tmp_path / "store", scripts=scripts)
    running = Running(config)
    admin = first_admin(running)

    def aired(entries: list[dict[str, Any]], ref: str) -> int:
        return len([e for e in announcements(entries, ref) if not e["interrupted"]])

    def both_done() -> bool:
        entries = asrun(running, admin)
        return aired(entries, "soon") == 1 and aired(entries, "every-song") == 2

    wait_for("the slot and both campaign plays", both_done, 40)
    running.kill()
    restarted = Running(config)
    auth = restarted.login(*ADMIN)

    def songs() -> int:
        return len([e for e in asrun(restarted, auth) if e["kind"] == "music"])

    before = songs()
    wait_for("three more songs after the restart", lambda: songs() >= before + 3 or None)
    entries = asrun(restarted, auth)
    assert aired(entries, "soon") == 1  # the slot aired before the crash: not again
    assert aired(entries, "every-song") == 2  # its cap of 2 a day counts the plays before
    assert restarted.stop() == 0
