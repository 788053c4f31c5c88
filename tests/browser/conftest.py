"""Fixtures for real-browser tests of the service's pages (the phone page `/`, the desk
console `/desk`): Playwright's sync API driving Debian's Chromium against the real service.

    def test_something(phone: Page, service: Service) -> None:
        cookie_sign_in(phone.context, service, service.staff.name)
        phone.goto("/")
        expect(phone.get_by_role("button", name="寻人广播")).to_be_visible()

Fixtures (scope):
    chromium_path (session)  the browser: /usr/bin/chromium or $MALL_PA_CHROMIUM; skips the
                             test if missing, fails it instead if MALL_PA_REQUIRE_BROWSER=1
    playwright (package)     the one sync Playwright of these tests
    browser (package)        Chromium, headless, with harness.BROWSER_ARGS (fake microphone)
    launch_browser (test)    launch_browser(extra_args) -> Browser: one with more flags,
                             closed at the end of the test (type: harness.LaunchBrowser)
    service (module)         harness.Service over HTTP: the real `mall-pa run`, its people,
                             two emergency presets: "fire" (priority 5) and "power" (3)
    tls_service (module)     the same over HTTPS with the service's own certificate
    contexts (test)          harness.Contexts: contexts.open(label, service, options, browser)
    phone, desk (test)       a Page in a new phone / desk context on `service`, labelled
                             "phone", "desk" in `contexts` (the context: `phone.context`)
    tls_phone, tls_desk      the same on `tls_service` (the context ignores HTTPS errors)
                             labelled "tls-phone", "tls-desk" in `contexts`

Every context records a trace. At the end of a test each page's screenshot is saved as
tests/browser/artifacts/<module>.<test>.png (<module>.<test>-<label>.png when the test opened
several contexts); the trace (-trace.zip, open with `playwright show-trace`) and the
service's log (-service.log) are kept only when the test failed. A console error or an
uncaught exception on any page fails the test at teardown unless it is marked
`@pytest.mark.allow_console_errors` (every error) or
`@pytest.mark.allow_console_errors(r"regex", ...)` (errors matching one of those; each
error reads "console.error <text> (<url>)" or "pageerror <name>: <message>"). Chromium's
own logging of a 4xx API answer or of /favicon.ico's 404 never counts (harness.NOT_PAGE_ERRORS).

`Service`: `.base`, `.http` (httpx, no cookies), `.running` (tests/e2e/running.Running:
`.get(path, auth)`, `.post(path, body, auth)`, `.output()`), `.admin` / `.staff` /
`.announcer` / `.supervisor` and `.people[name]` (harness.Staff: name, password, roles,
trained), `.bearer(name, fresh=False)` (API headers), `.sign_in(name)` (a new session's JSON),
`.add_person(name, password, *roles, trained=False)` (`mall-pa user add`). To skip the login
UI: `cookie_sign_in(page.context, service, name)` from tests.browser.harness, then goto.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from tests.browser.harness import (
    ACTION_TIMEOUT_MS,
    DESK,
    PHONE,
    Contexts,
    LaunchBrowser,
    Service,
    launch_browser,
    start_service,
)

CHROMIUM = "/usr/bin/chromium"
REQUIRE = "MALL_PA_REQUIRE_BROWSER"
HERE = Path(__file__).resolve().parent

expect.set_options(timeout=ACTION_TIMEOUT_MS)

PHASES = pytest.StashKey[dict[str, pytest.TestReport]]()
"""Each test's reports by phase (setup, call, teardown), for the fixtures' teardown."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "allow_console_errors(*patterns): the page may log console errors or throw (all, or"
        " those matching one of the regular expressions)",
    )
    config.addinivalue_line("markers", "browser: drives a real browser (tests/browser)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:  # every test here is a browser test: `-m "not browser"` leaves them out
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    item.stash.setdefault(PHASES, {})[report.when] = report
    return report


def _failed(item: pytest.Item) -> bool:
    reports = item.stash.get(PHASES, {})
    return any(r.failed for when, r in reports.items() if when in ("setup", "call"))


# -- the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium (never a Playwright download)."""
    path = os.environ.get("MALL_PA_CHROMIUM") or CHROMIUM
    found = shutil.which(path)
    if found is None:
        reason = f"Debian's chromium is not installed ({path}): apt-get install chromium"
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"{reason} ({REQUIRE}=1)", pytrace=False)
        pytest.skip(reason)
    return found


@pytest.fixture(scope="package")
def playwright(chromium_path: str) -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright, chromium_path: str) -> Iterator[Browser]:
    """One headless Chromium for every browser test; each test gets new contexts on it."""
    shared = launch_browser(playwright, chromium_path)
    yield shared
    shared.close()


@pytest.fixture(name="launch_browser")
def _launch_browser(playwright: Playwright, chromium_path: str) -> Iterator[LaunchBrowser]:
    """`launch_browser(extra_args)`: a Chromium of the test's own, with BROWSER_ARGS and
    `extra_args` (say `--use-file-for-fake-audio-capture=/path/to/page.wav`); closed at the
    end of the test. Open contexts on it with `contexts.open(label, service, PHONE, it)`."""
    launched: list[Browser] = []

    def launch(extra_args: Iterable[str] = ()) -> Browser:
        launched.append(launch_browser(playwright, chromium_path, extra_args))
        return launched[-1]

    yield launch
    for one in launched:
        one.close()


# -- the service ----------------------------------------------------------------------------

POWER = """
id = "power"
kind = "emergency"
title = "停电安抚"
text = "请注意,商场临时停电,请在原地稍候。"
approved_by = "安全部"
approved_at = "2026-11-01"
repeat_every_seconds = 6
priority = 3
"""
"""A second emergency preset, below the short-track store's "fire" (火警疏散, which has the
default priority, 5): a fire evacuation preempts it, and it resumes after the fire's clear."""


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """`mall-pa run` over HTTP on a short-track store, shared by the tests of a module (what
    one test pages or changes, the next one sees): admin 陈静, staff 李娜, trained announcer
    王芳, supervisor 赵强 (`service.people`, `service.staff`...); the emergency presets "fire"
    (火警疏散, priority 5) and `POWER` (停电安抚, priority 3)."""
    folder = tmp_path_factory.mktemp("browser-store")
    (folder / "scripts").mkdir()
    (folder / "scripts" / "power.toml").write_text(POWER, encoding="utf-8")  # make_store keeps it
    running = start_service(folder)
    yield running
    running.close()


@pytest.fixture(scope="module")
def tls_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The same over HTTPS with the service's self-signed certificate."""
    running = start_service(tmp_path_factory.mktemp("browser-tls-store"), tls=True)
    yield running
    running.close()


# -- contexts and pages ---------------------------------------------------------------------


@pytest.fixture
def contexts(
    request: pytest.FixtureRequest, browser: Browser, launch_browser: LaunchBrowser
) -> Iterator[Contexts]:
    """The test's browser contexts: `contexts.open(label, service, PHONE | DESK | {...},
    browser=None)` opens one more (a second phone, one on a `launch_browser` browser);
    `contexts[label].console_errors` is what its pages logged so far. (It asks for
    `launch_browser` so that those browsers close after their contexts are saved.)"""
    item = request.node
    opened = Contexts(browser, f"{item.path.stem}.{item.name}")
    yield opened
    marker = item.get_closest_marker("allow_console_errors")
    allowed = None if marker is None else tuple(str(p) for p in marker.args)
    opened.finish(_failed(item), allowed)


@pytest.fixture
def phone(contexts: Contexts, service: Service) -> Page:
    """A page on a phone (360×740 at 2x, touch, zh-CN), base_url the HTTP service."""
    return contexts.open("phone", service, PHONE).page


@pytest.fixture
def desk(contexts: Contexts, service: Service) -> Page:
    """A page on the desk's screen (1280×800, zh-CN), base_url the HTTP service."""
    return contexts.open("desk", service, DESK).page


@pytest.fixture
def tls_phone(contexts: Contexts, tls_service: Service) -> Page:
    """A phone page on the HTTPS service."""
    return contexts.open("tls-phone", tls_service, PHONE).page


@pytest.fixture
def tls_desk(contexts: Contexts, tls_service: Service) -> Page:
    """A desk page on the HTTPS service."""
    return contexts.open("tls-desk", tls_service, DESK).page
