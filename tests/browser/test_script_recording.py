"""A script version's recording in a trained announcer's own voice on the scripts page
(/scripts) in Chromium at an office PC's 1280×800 (B6, B7).

Served by the API over the fake control (tests/browser/fake_site.py), whose scripts workflow
is the real one: recordings are decoded, trimmed and kept as the service keeps them, and the
fake's clock stands still at 2026-11-23 10:00.

陈静, a trained announcer of marketing, chooses a WAV file for her draft, listens to it,
uploads it and hears what the service kept, then submits; 周洁, a planner, hears it on the
submitted version and approves it; 陈静 records the approved one again, which is a new
version to approve while the first airs, and the page says so. 孙悦, of marketing but not
trained, hears it and is told why she cannot record. A silent WAV is refused in the
service's Chinese and nothing changes; taking the recording off asks first. Then the
microphone (Chromium's fake one, a beep: on http://127.0.0.1, a secure context), and a page
opened by a LAN name over plain HTTP, where the microphone cannot be used and a file still
can. The tests share one fake and run in order. Nothing sleeps: every wait is an `expect`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import FilePayload, Locator, Page, expect

from daemon.views import Role
from tests.api.conftest import bearer
from tests.api.fake_control import FakeControl
from tests.browser.fake_site import FakeSite, open_scripts, serving
from tests.browser.harness import ARTIFACTS, COOKIE, DESK, Contexts, LaunchBrowser
from tests.unit.test_script_recordings import wav_bytes

TRAINED = "陈静"
UNTRAINED = "孙悦"
PLANNER = "周洁"

TITLE = "圣诞抽奖"
TEXT = "各位来宾,圣诞期间在本商场购物满三百元,即可到一楼服务台参加抽奖。"
DRAW: dict[str, Any] = {
    "id": "xmas-draw",
    "kind": "campaign",
    "title": TITLE,
    "text": TEXT,
    "dayparts": ["evening"],  # no dates: the editor checks them against the browser's today
    "every_songs": 5,
    "max_per_day": 6,
}
REC = r"rec-[0-9a-f]{16}\.wav"
SILENT = "录音里听不到声音:请检查麦克风是否打开、是否被静音,靠近一些再录一次。"
B7 = "只有受过训练的播音员才能用自己的声音录音播出(B7);要录音,请受过训练的同事来录。"


@pytest.fixture(scope="module")
def site() -> Iterator[FakeSite]:
    fake = FakeControl()
    fake.add_user(TRAINED, "trained-pass-1234", Role.MARKETING, trained=True)
    fake.add_user(UNTRAINED, "untrained-pass-1234", Role.MARKETING)
    fake.add_user(PLANNER, "planner-pass-1234", Role.PLANNER)
    with serving(fake) as served:
        yield served


def version(site: FakeSite, number: int, script: str = "xmas-draw") -> dict[str, Any]:
    """The script's version `number` as the service has it."""
    listed: list[dict[str, Any]] = site.get("/api/scripts", PLANNER)
    [found] = [v for v in listed if v["script_id"] == script and v["version"] == number]
    return found


def show(page: Page, number: int, script: str = "xmas-draw") -> Locator:
    """Open the script's version `number` from the list: the detail."""
    page.locator(f"#list .version[data-script='{script}']").filter(
        has_text=f"第 {number} 版"
    ).locator(".version-open").click()
    detail = page.locator("#detail")
    expect(detail.locator(".detail-meta")).to_contain_text(f"第 {number} 版")
    return detail


def choose(page: Page, name: str, data: bytes) -> None:
    file: FilePayload = {"name": name, "mimeType": "audio/wav", "buffer": data}
    page.set_input_files("#recording-file", files=[file])


def heard(page: Page, box: Locator, version_id: int, longer_than: float) -> None:
    """The player's source answers the version's WAV, and it loads: longer than `longer_than` s."""
    player = box.locator("audio#recording-player")
    expect(player).to_be_visible()
    expect(player).to_have_attribute(
        "src", re.compile(rf"^/api/scripts/{version_id}/recording\?f={REC}$")
    )
    src = player.get_attribute("src")
    assert src is not None
    answer = page.request.get(src)  # with the page's session cookie
    assert (answer.status, answer.headers["content-type"]) == (200, "audio/wav")
    page.wait_for_function(
        "(least) => { const a = document.getElementById('recording-player');"
        " return !!a && a.readyState >= 1 && a.duration > least; }",
        arg=longer_than,
    )


def screenshot(page: Page, name: str) -> None:
    """The page, tall enough for the whole panel (it scrolls on its own), into artifacts."""
    page.set_viewport_size({"width": 1280, "height": 2000})
    page.screenshot(path=ARTIFACTS / f"test_script_recording.{name}.png")
    page.set_viewport_size({"width": 1280, "height": 800})  # DESK's


def test_a_trained_announcer_uploads_a_file_listens_and_submits(
    contexts: Contexts, site: FakeSite
) -> None:
    draft = site.post("/api/scripts", DRAW, TRAINED)
    page = open_scripts(contexts, site, TRAINED)
    detail = show(page, 1)
    box = detail.locator("#recording")
    expect(box.locator("h3")).to_have_text("录音")
    expect(box.locator(".recording-none")).to_have_text("没有录音:播出时由标准语音念上面的广播词。")
    expect(box.locator(".recording-b7")).to_have_count(0)
    expect(box.get_by_role("button", name="用麦克风录音")).to_be_enabled()  # localhost: secure
    expect(box.get_by_label("或者选择录音文件")).to_have_attribute("accept", "audio/*")
    expect(box.get_by_role("button", name="上传录音")).to_have_count(0)  # nothing to send yet

    choose(page, "抽奖.wav", wav_bytes(4.0))
    expect(box.locator(".recording-what")).to_have_text("待上传:文件「抽奖.wav」(0.1 MB)")
    expect(box.locator("audio#recording-take")).to_have_attribute("src", re.compile("^blob:"))
    with page.expect_response(
        lambda r: (
            r.url.endswith(f"/api/scripts/{draft['id']}/recording") and r.request.method == "POST"
        )
    ) as answered:
        box.get_by_role("button", name="上传录音").click()
    assert answered.value.status == 200
    assert "multipart/form-data" in (answered.value.request.headers.get("content-type") or "")
    expect(box.locator("#recording-message")).to_have_text(
        "已上传录音(第 1 版草稿):提交并经企划部批准后才会播出。"
    )
    expect(box.locator("#recording-message")).to_have_class("notice ok")
    expect(box.locator(".recording-by")).to_have_text(f"录音:{TRAINED} 录制")
    expect(box.locator(".recording-what")).to_have_count(0)  # sent: nothing waits any more
    heard(page, box, draft["id"], 3.5)
    expect(detail.locator(".script-text")).to_have_text(TEXT)  # what the recording says
    expect(detail.locator(".detail-head .badge")).to_have_text("草稿")
    expect(page.locator("#list .version[data-script='xmas-draw'] .v-rec")).to_have_text("有录音")
    stored = version(site, 1)
    assert re.fullmatch(REC, stored["fields"]["audio"])
    assert (stored["id"], stored["state"], stored["fields"]["recorded_by"]) == (
        draft["id"], "draft", TRAINED,
    )  # fmt: skip
    screenshot(page, "uploaded")

    detail.get_by_role("button", name="提交审批").click()
    expect(page.locator("#detail-message")).to_contain_text("已提交企划部审批")
    expect(box.locator(".recording-hint")).to_contain_text("上传或删除录音会撤回审批申请")
    assert version(site, 1)["state"] == "submitted"


def test_a_planner_hears_it_on_the_submitted_version_and_approves(
    contexts: Contexts, site: FakeSite
) -> None:
    submitted = version(site, 1)
    page = open_scripts(contexts, site, PLANNER)
    page.locator("#queue .version[data-script='xmas-draw'] .version-open").click()
    detail = page.locator("#detail")
    expect(detail.locator("#detail-title")).to_have_text(TITLE)
    box = detail.locator("#recording")
    expect(box.locator(".recording-by")).to_have_text(f"录音:{TRAINED} 录制")
    heard(page, box, submitted["id"], 3.5)
    expect(box.locator("input[type=file]")).to_have_count(0)  # planners listen only
    expect(box.locator("button")).to_have_count(0)
    expect(box.locator(".recording-b7")).to_have_count(0)
    screenshot(page, "review")

    detail.get_by_role("button", name="批准", exact=True).click()
    dialog = page.locator("#confirm")
    expect(dialog.locator(".confirm-recording")).to_have_text(
        f"播出时用 {TRAINED} 录制的录音(B7),不用标准语音。"
    )
    dialog.get_by_role("button", name="批准").click()
    expect(page.locator("#detail-message")).to_contain_text("已批准")
    assert version(site, 1)["state"] == "approved"


def test_recording_an_approved_version_again_makes_a_new_version_to_approve(
    contexts: Contexts, site: FakeSite
) -> None:
    approved = version(site, 1)
    page = open_scripts(contexts, site, TRAINED)
    detail = show(page, 1)
    box = detail.locator("#recording")
    expect(box.locator(".recording-hint")).to_contain_text(
        "这一版已批准、正在播出:上传或删除录音会存为第 2 版,需要重新批准;批准前,第 1 版照常播出。"
    )
    choose(page, "重录.wav", wav_bytes(3.0, hz=440))
    box.get_by_role("button", name="上传录音").click()
    expect(box.locator("#recording-message")).to_have_text(
        "已上传录音,已存为第 2 版,需要重新批准;批准前,第 1 版照常播出。"
    )
    expect(detail.locator(".detail-meta")).to_contain_text("第 2 版")  # the new version shown
    expect(detail.locator(".detail-head .badge")).to_have_text("草稿")
    new = version(site, 2)
    assert new["id"] != approved["id"] and new["state"] == "draft"
    assert new["fields"]["audio"] != approved["fields"]["audio"]
    assert version(site, 1)["state"] == "approved"  # it airs until the new one is approved
    heard(page, box, new["id"], 2.5)
    expect(detail.locator(".changes dt")).to_have_text(["录音"])
    expect(detail.locator(".changes .now")).to_have_text(f"现在:{TRAINED} 录制的录音(重新录制)")
    expect(page).to_have_url(re.compile(rf"[?&]v={new['id']}\b"))

    show(page, 1)  # the approved one now points to its successor
    expect(detail.locator(".recording-elsewhere")).to_have_text("第 2 版草稿:请在那一版上录音。")
    expect(detail.locator("#recording input[type=file]")).to_have_count(0)


def test_an_untrained_marketing_user_hears_it_and_is_told_why_she_cannot_record(
    contexts: Contexts, site: FakeSite
) -> None:
    new = version(site, 2)
    page = open_scripts(contexts, site, UNTRAINED)
    detail = show(page, 2)
    box = detail.locator("#recording")
    expect(box.locator(".recording-b7")).to_have_text(B7)
    heard(page, box, new["id"], 2.5)
    expect(box.locator("input[type=file]")).to_have_count(0)
    expect(box.get_by_role("button")).to_have_count(0)  # no upload, no microphone, no removal
    refused = site.http.post(
        f"/api/scripts/{new['id']}/recording",
        files={"audio": ("x.wav", wav_bytes(2.0), "audio/wav")},
        headers=bearer(site.fake, UNTRAINED),
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "not_trained")

    detail.get_by_role("button", name="修改", exact=True).click()  # an edit keeps the recording
    expect(page.locator("#editor-note")).to_have_text(
        f"这一版有 {TRAINED} 录制的录音:广播词不变,保存后录音保留;"
        "改了广播词,录音就不再用(它念的是原来的词),请在「录音」里重新录。"
    )
    page.get_by_label("每天最多几次").fill("8")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#detail-message")).to_contain_text("已保存为草稿(第 2 版)")
    expect(box.locator(".recording-by")).to_have_text(f"录音:{TRAINED} 录制")
    edited = version(site, 2)
    assert edited["fields"]["max_per_day"] == 8
    assert (edited["fields"]["audio"], edited["fields"]["recorded_by"]) == (
        new["fields"]["audio"], TRAINED,
    )  # fmt: skip


def test_a_silent_wav_is_refused_in_chinese_and_nothing_changes(
    contexts: Contexts, site: FakeSite
) -> None:
    before = version(site, 2)
    page = open_scripts(contexts, site, TRAINED)
    detail = show(page, 2)
    box = detail.locator("#recording")
    choose(page, "静音.wav", wav_bytes(3.0, amplitude=0))
    with page.expect_response(lambda r: r.url.endswith("/recording")) as answered:
        box.get_by_role("button", name="上传录音").click()
    assert answered.value.status == 422
    assert answered.value.json()["code"] == "recording_silent"
    message = box.locator("#recording-message")
    expect(message).to_have_text(SILENT)
    expect(message).to_have_class("notice error")
    expect(box.get_by_role("button", name="上传录音")).to_be_enabled()  # to try another one
    expect(box.locator(".recording-what")).to_have_text("待上传:文件「静音.wav」(0.1 MB)")
    expect(box.locator(".recording-by")).to_have_text(f"录音:{TRAINED} 录制")  # the one it had
    assert version(site, 2) == before
    screenshot(page, "silent")
    box.get_by_role("button", name="不要这个文件").click()
    expect(box.locator(".recording-what")).to_have_count(0)
    expect(message).to_have_text("")


def test_taking_the_recording_off_asks_first(contexts: Contexts, site: FakeSite) -> None:
    draft = version(site, 2)
    page = open_scripts(contexts, site, TRAINED)
    detail = show(page, 2)
    box = detail.locator("#recording")
    dialog = page.locator("#confirm")
    box.get_by_role("button", name="删除录音").click()
    expect(dialog.locator("#confirm-title")).to_have_text(f"删除「{TITLE}」第 2 版的录音?")
    expect(dialog).to_contain_text(f"删除 {TRAINED} 的录音后,播出时由标准语音念广播词。")
    dialog.get_by_role("button", name="不删除").click()
    expect(dialog).to_be_hidden()
    assert version(site, 2) == draft  # nothing was sent

    box.get_by_role("button", name="删除录音").click()
    with page.expect_response(lambda r: r.request.method == "DELETE") as answered:
        dialog.get_by_role("button", name="删除录音").click()
    assert answered.value.status == 200
    expect(box.locator("#recording-message")).to_have_text(
        "已删除录音,播出时由标准语音念广播词(第 2 版草稿):提交并经企划部批准后才会播出;"
        "批准前,第 1 版照常播出。"
    )
    expect(box.locator(".recording-none")).to_be_visible()
    expect(box.locator("audio")).to_have_count(0)
    expect(box.get_by_role("button", name="删除录音")).to_have_count(0)
    expect(detail.locator(".script-text")).to_have_text(TEXT)
    now = version(site, 2)
    assert "audio" not in now["fields"] and "recorded_by" not in now["fields"]
    assert (now["id"], now["state"]) == (draft["id"], "draft")
    gone = site.http.get(
        f"/api/scripts/{draft['id']}/recording", headers=bearer(site.fake, PLANNER)
    )
    assert (gone.status_code, gone.json()["code"]) == (404, "no_recording")


def test_a_trained_announcer_records_with_the_microphone(
    contexts: Contexts, site: FakeSite
) -> None:
    """Chromium's fake microphone (harness.BROWSER_ARGS): a beep every second."""
    draft = site.post("/api/scripts", {**DRAW, "id": "mic-draw", "title": "麦克风"}, TRAINED)
    page = open_scripts(contexts, site, TRAINED)
    detail = show(page, 1, "mic-draw")
    box = detail.locator("#recording")
    box.get_by_role("button", name="用麦克风录音").click()
    expect(box.locator(".record-live")).to_contain_text("正在录音")
    expect(box.locator("#recording-timer")).to_have_text("0:02")
    expect(box.get_by_role("button", name="停止")).to_be_focused()
    screenshot(page, "microphone")
    box.get_by_role("button", name="停止").click()
    expect(box.locator(".recording-what")).to_have_text(re.compile(r"^待上传:刚录的 0:0[23]$"))
    expect(box.locator("audio#recording-take")).to_have_attribute("src", re.compile("^blob:"))
    expect(box.get_by_role("button", name="重录")).to_be_enabled()
    expect(box.locator("#recording-message")).to_have_text("先听一遍:满意就上传;不满意就重录。")
    box.get_by_role("button", name="上传录音").click()
    expect(box.locator("#recording-message")).to_have_text(
        "已上传录音(第 1 版草稿):提交并经企划部批准后才会播出。"
    )
    heard(page, box, draft["id"], 0.5)
    stored = version(site, 1, "mic-draw")
    assert re.fullmatch(REC, stored["fields"]["audio"])
    assert stored["fields"]["recorded_by"] == TRAINED


def test_over_plain_http_by_a_lan_name_the_microphone_says_why_and_a_file_still_goes(
    contexts: Contexts, site: FakeSite, launch_browser: LaunchBrowser
) -> None:
    lan = launch_browser(["--host-resolver-rules=MAP scripts-pa.lan 127.0.0.1"])
    page = contexts.open("lan", site, DESK, lan).page
    page.context.add_cookies([{
        "name": COOKIE, "value": site.fake.session_for(TRAINED).token, "domain": "scripts-pa.lan",
        "path": "/", "httpOnly": True, "secure": False, "sameSite": "Strict",
    }])  # fmt: skip
    page.goto(f"http://scripts-pa.lan:{urlsplit(site.base).port}/scripts")
    assert page.evaluate("isSecureContext") is False
    expect(page.locator("#list-updated")).to_contain_text("更新于")
    detail = show(page, 1, "mic-draw")
    box = detail.locator("#recording")
    expect(box.get_by_role("button", name="用麦克风录音")).to_be_disabled()
    expect(box.locator("#recording-why")).to_have_text(
        "手机浏览器只在 HTTPS 页面上允许使用麦克风,请用 https:// 地址打开本页。"
        "(仍可以选择录音文件上传。)"
    )
    before = version(site, 1, "mic-draw")["fields"]["audio"]
    choose(page, "文件.wav", wav_bytes(2.0, hz=520))
    box.get_by_role("button", name="上传录音").click()
    expect(box.locator("#recording-message")).to_have_text(
        "已上传录音(第 1 版草稿):提交并经企划部批准后才会播出。"
    )
    assert version(site, 1, "mic-draw")["fields"]["audio"] != before
