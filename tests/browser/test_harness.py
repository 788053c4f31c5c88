"""The harness itself, on the pages the service has today: the setup page in both viewports,
over HTTP and HTTPS, a context signed in by cookie, the fake microphone, and what the harness
does at the end of a test (screenshot, trace only on failure, console errors fail)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.audio.tones import write_tone
from tests.browser.harness import (
    ARTIFACTS,
    DESK,
    PHONE,
    Contexts,
    LaunchBrowser,
    Service,
    cookie_sign_in,
)


def test_the_setup_page_loads_on_a_phone(phone: Page) -> None:
    phone.goto("/setup")
    expect(phone).to_have_title("mall-pa 首次设置")
    assert "首次设置" in phone.title()
    assert phone.evaluate("[innerWidth, devicePixelRatio, navigator.language]") == [
        360,
        2,
        "zh-CN",
    ]
    # its script asked /api/setup and learnt the admin exists (the service fixture made one)
    expect(phone.locator("#message")).to_contain_text("已经设置过了")
    expect(phone.locator("#setup")).to_be_hidden()
    assert phone.request.get("/healthz").status == 200


def test_the_setup_page_loads_on_the_desk(desk: Page) -> None:
    desk.goto("/setup")
    expect(desk).to_have_title("mall-pa 首次设置")
    assert desk.evaluate("innerWidth") == 1280
    assert desk.request.get("/healthz").status == 200


def test_a_context_signed_in_by_cookie_is_that_person(phone: Page, service: Service) -> None:
    phone.goto("/setup")  # any page of the service's origin, for fetch
    before = phone.evaluate("fetch('/api/me').then(r => r.status)")
    assert before == 401
    session = cookie_sign_in(phone.context, service, service.staff.name)
    me = phone.evaluate("fetch('/api/me').then(r => r.json())")
    assert me["name"] == "李娜" and me["roles"] == ["staff"] and me["csrf"] == session["csrf"]
    assert phone.evaluate("document.cookie") == ""  # HttpOnly: the page's script cannot read it


def test_the_api_helpers_answer_as_each_person(service: Service) -> None:
    for person in (service.admin, service.staff, service.announcer, service.supervisor):
        me = service.running.get("/api/me", service.bearer(person.name))
        assert me["name"] == person.name and tuple(me["roles"]) == person.roles
        assert me["trained"] is person.trained
    assert service.http.cookies.jar is not None and len(service.http.cookies.jar) == 0


def test_the_fake_microphone_records(phone: Page) -> None:
    phone.goto("/setup")  # http://127.0.0.1 is a secure context: getUserMedia is allowed
    tracks = phone.evaluate(
        """navigator.mediaDevices.getUserMedia({audio: true}).then(stream => {
            const found = stream.getAudioTracks().map(t => t.readyState);
            stream.getTracks().forEach(t => t.stop());
            return found;
        })"""
    )
    assert tracks == ["live"]


def test_a_browser_of_its_own_records_a_file_beside_the_shared_one(
    launch_browser: LaunchBrowser, contexts: Contexts, service: Service, tmp_path: Path
) -> None:
    wav = tmp_path / "voice.wav"
    write_tone(wav, 2.0, 440.0)
    own = launch_browser([f"--use-file-for-fake-audio-capture={wav}"])
    recorder = contexts.open("recorder", service, PHONE, own).page
    watcher = contexts.open("watcher", service, DESK).page  # two contexts: two screenshots
    for page in (recorder, watcher):
        page.goto("/setup")
    tracks = recorder.evaluate(
        """navigator.mediaDevices.getUserMedia({audio: true}).then(stream => {
            const found = stream.getAudioTracks().map(t => t.readyState);
            stream.getTracks().forEach(t => t.stop());
            return found;
        })"""
    )
    assert tracks == ["live"]
    assert recorder.context.browser is own and watcher.context.browser is not own


def test_over_https_with_the_services_own_certificate(
    tls_phone: Page, tls_service: Service
) -> None:
    tls_phone.goto("/setup")
    expect(tls_phone).to_have_title("mall-pa 首次设置")
    assert tls_phone.evaluate("[location.protocol, isSecureContext]") == ["https:", True]
    assert tls_phone.request.get("/healthz").status == 200
    cookie_sign_in(tls_phone.context, tls_service, tls_service.supervisor.name)
    me = tls_phone.evaluate("fetch('/api/me').then(r => r.json())")
    assert me["name"] == "赵强"


@pytest.mark.allow_console_errors(r"expected in this test")
def test_console_errors_are_collected_and_may_be_allowed(phone: Page, contexts: Contexts) -> None:
    phone.goto("/setup")
    phone.evaluate("console.error('expected in this test')")
    with phone.expect_event("pageerror"):
        phone.evaluate("setTimeout(() => { throw new Error('expected in this test') }, 0)")
    assert [e for e in contexts["phone"].console_errors if "favicon.ico" not in e] == [
        "console.error expected in this test",
        "pageerror Error: expected in this test",
    ]


def test_the_end_of_a_test_fails_on_errors_and_keeps_the_trace_only_on_failure(
    browser: Browser, service: Service
) -> None:
    name = "harness-self-test"
    shot, trace = ARTIFACTS / f"{name}.png", ARTIFACTS / f"{name}-trace.zip"
    log = ARTIFACTS / f"{name}-service.log"
    try:
        passed = Contexts(browser, name)
        passed.open("phone", service, PHONE).page.goto("/setup")
        passed.finish(failed=False, allowed=None)
        assert shot.is_file() and not trace.exists() and not log.exists()

        failed = Contexts(browser, name)
        failed.open("desk", service, DESK).page.goto("/setup")
        failed.finish(failed=True, allowed=None)
        assert trace.is_file() and trace.stat().st_size > 0
        assert "/setup?token=" in log.read_text(encoding="utf-8")

        trace.unlink()
        erred = Contexts(browser, name)
        page = erred.open("phone", service, PHONE).page
        page.goto("/setup")
        page.evaluate("console.error('not allowed')")
        with pytest.raises(AssertionError, match="not allowed"):
            erred.finish(failed=False, allowed=("some other error",))
        assert trace.is_file()  # a page that erred keeps its trace though the test passed
    finally:
        for path in (shot, trace, log):
            path.unlink(missing_ok=True)
