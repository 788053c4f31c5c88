"""The real service on the short-track store: a campaign approved through the API airs from
the next song boundary, with no restart; a file broken by hand is shown as a failed check
while the scripts on air stay, and is taken once it is right again."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from tests.e2e.running import STORE_ZONE, Running, asrun, make_store, user_add, wait_for
from tests.e2e.test_service import first_admin

CAMPAIGN = {"id": "spring-sale", "kind": "campaign", "title": "春季特卖",
            "text": "春季特卖,全场八折。", "every_songs": 1}  # fmt: skip


def aired(running: Running, auth: dict[str, str], ref: str) -> list[dict[str, Any]] | None:
    entries = asrun(running, auth)
    return [e for e in entries if e["kind"] == "announcement" and e["ref"] == ref] or None


def test_an_approved_campaign_airs_without_a_restart_and_a_broken_file_is_shown(
    tmp_path: Path,
) -> None:
    config = make_store(tmp_path / "store")
    running = Running(config)
    admin = first_admin(running)
    for name, role in (("周敏", "marketing"), ("李强", "planner")):
        user_add(config, name, f"{name}-password-1", role)
    marketing = running.login("周敏", "周敏-password-1")
    planner = running.login("李强", "李强-password-1")
    made = running.post("/api/scripts", CAMPAIGN, marketing)
    assert made.status_code == 201, made.text
    version = made.json()["id"]
    assert running.post(f"/api/scripts/{version}/submit", {}, marketing).status_code == 200
    today = datetime.now(STORE_ZONE).date().isoformat()
    one_day = running.post("/api/scripts", {**CAMPAIGN, "id": "one-day", "valid_from": today,
                                            "valid_until": today}, marketing)  # fmt: skip
    preview = running.get(f"/api/scripts/{one_day.json()['id']}/preview", planner)
    [day] = preview["days"]  # the service's own catalog, planned and simulated
    assert (day["day"], day["held"]) == (today, "full") and day["airs"] > 100
    approved = running.post(f"/api/scripts/{version}/approve", {}, planner)
    assert approved.status_code == 200, approved.text
    assert (config.parent / "scripts" / "spring-sale.toml").is_file()
    plays = wait_for(
        "the approved campaign on air", lambda: aired(running, admin, "spring-sale"), 45
    )
    assert plays[0]["title"] == "春季特卖"
    assert "today's schedule follows it from the next song boundary" in running.output()

    broken = config.parent / "scripts" / "by-hand.toml"
    broken.write_text('id = "by-hand"\nkind = "campaign"\ntitle = "手写"\n', encoding="utf-8")

    def failed_check() -> Any:
        check = running.get("/api/status", admin)["check"]
        return check if check and not check["ok"] else None

    check = wait_for("the library's problems on the desk", failed_check, 30)
    assert any("by-hand.toml" in f for f in check["failures"])
    broken.unlink()
    wait_for("the check green again", lambda: running.get("/api/status", admin)["check"]["ok"]
             or None, 60)  # fmt: skip
    assert running.stop() == 0
