"""The browser tests' harness: the real service with its people, Debian's Chromium, and the
browser contexts a test opens (phone or desk), with their screenshots, traces and console.

Fixtures are in `conftest.py`; this module holds what a test may import:

    from tests.browser.harness import DESK, PHONE, Service, Staff, cookie_sign_in

`Service` is a short-track store (tests/e2e/running.py) run by the real `mall-pa run`, with
a first admin made through /api/setup and three more people made by `mall-pa user add`.
`Contexts` opens browser contexts for one test and, when it ends, saves a screenshot of each,
keeps the Playwright trace only if the test failed, and fails a test whose pages logged a
console error or threw (unless it is marked `allow_console_errors`).
"""

from __future__ import annotations

import re
import ssl
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Page, Playwright

from tests.e2e.running import (
    MALL_PA,
    STORE_TIMEZONE,
    Running,
    make_store,
    user_add,
    wait_for,
)

__all__ = [
    "ACTION_TIMEOUT_MS",
    "ARTIFACTS",
    "BROWSER_ARGS",
    "COOKIE",
    "DESK",
    "NOT_PAGE_ERRORS",
    "PHONE",
    "Contexts",
    "LaunchBrowser",
    "Opened",
    "Served",
    "Service",
    "Staff",
    "cookie_sign_in",
    "launch_browser",
    "start_service",
]

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
"""Screenshots (always), traces and the service's log (when a test failed)."""

COOKIE = "mall_pa_session"
"""The session cookie /api/login sets (api/deps.py)."""

BROWSER_ARGS: tuple[str, ...] = (
    "--no-sandbox",  # root in a container: Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",  # a container's /dev/shm is small
    "--use-fake-ui-for-media-stream",  # the microphone permission is granted without a prompt
    "--use-fake-device-for-media-stream",  # a fake microphone (a beep), or a file: see below
)
"""Every browser's flags. A test that needs its own recording adds
`--use-file-for-fake-audio-capture=<wav>` through the `launch_browser` fixture."""

PHONE: Mapping[str, Any] = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": STORE_TIMEZONE,
}
"""A staff member's phone: `browser.new_context(**PHONE)`."""

DESK: Mapping[str, Any] = {
    "viewport": {"width": 1280, "height": 800},
    "locale": "zh-CN",
    "timezone_id": STORE_TIMEZONE,
}
"""The service desk's screen."""

_LOAD_FAILED = r"^console\.error Failed to load resource: the server responded with a status of "
NOT_PAGE_ERRORS = (
    _LOAD_FAILED + r"404 .*\(https?://[^/]+/favicon\.ico\)$",
    _LOAD_FAILED + r"4\d\d .*\(https?://[^/]+/api/[^)]*\)$",
    r"^console\.error EventSource's response has a status 4\d\d that is not 200\b",
)
"""Console errors that are Chromium's network log, not the page's doing, never counted
against a test (they stay in `Opened.console_errors`): its own request for /favicon.ico,
and an API call answered 4xx (401 before signing in, 422 for a bad form..., or the event
stream's 401 after a session ended), which Chromium logs even when the page handles it; what
the page then shows is the test's to check. A 5xx, a request that failed (net::ERR_...), a
script, style or image that fails to load, a CSP violation, still count."""

LaunchBrowser = Callable[[Iterable[str]], Browser]
"""The type of the `launch_browser` fixture: `launch_browser(extra_args) -> Browser`."""

ACTION_TIMEOUT_MS = 10_000
"""Playwright's default wait for an action or navigation in these contexts (its own: 30 s),
and for `expect(...)` (its own: 5 s; set in conftest.py): the service shares a small CI
machine with a browser, yet a page that needs more than this is a finding."""


class Served(Protocol):
    """What a browser context is opened on: `Service`, or another server of the pages (say
    the API over the fake control): its base URL, whether it is HTTPS, and its log so far
    (kept beside a failed test's trace)."""

    @property
    def base(self) -> str: ...

    @property
    def https(self) -> bool: ...

    def output(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Staff:
    """A person with an account on the service under test."""

    name: str
    password: str
    roles: tuple[str, ...]
    trained: bool = False


ADMIN = Staff("陈静", "admin-pass-1234", ("admin",))
"""The first admin, made through /api/setup (which gives them the roles it gives)."""
PEOPLE = (
    Staff("李娜", "staff-pass-1234", ("staff",)),
    Staff("王芳", "announcer-pass-1234", ("announcer",), trained=True),
    Staff("赵强", "supervisor-pass-1234", ("supervisor",)),
)


def _verify(running: Running) -> ssl.SSLContext | bool:
    """What `running.http` trusts: the service's own certificate over HTTPS."""
    if not running.base.startswith("https:"):
        return True
    cert = running.config.parent / "state" / "tls" / "mall-pa.crt"
    return ssl.create_default_context(cafile=str(cert))


@dataclass
class Service:
    """The real `mall-pa run` on a short-track store, with its people.

    `running` is the process (`.http` an httpx client on `.base`, `.output()` its log so far,
    `.get(path, auth)` / `.post(path, body, auth)`). `people` maps each name to a `Staff`;
    `admin`, `staff`, `announcer` and `supervisor` are the four made at start.
    """

    running: Running
    admin: Staff
    people: dict[str, Staff]
    _tokens: dict[str, str] = field(default_factory=dict, repr=False)
    _signer: httpx.Client | None = field(default=None, repr=False)

    @property
    def base(self) -> str:
        """`http://127.0.0.1:PORT` or `https://...`: the contexts' `base_url`."""
        return self.running.base

    @property
    def https(self) -> bool:
        return self.base.startswith("https:")

    @property
    def http(self) -> httpx.Client:
        return self.running.http

    @property
    def staff(self) -> Staff:
        """李娜, staff: pages people."""
        return self.people["李娜"]

    @property
    def announcer(self) -> Staff:
        """王芳, a trained announcer: pages with her own recording, emergencies."""
        return self.people["王芳"]

    @property
    def supervisor(self) -> Staff:
        """赵强, supervisor: music, emergencies, the desk."""
        return self.people["赵强"]

    def output(self) -> str:
        """The service's log so far."""
        return self.running.output()

    def add_person(self, name: str, password: str, *roles: str, trained: bool = False) -> Staff:
        """One more account, made as an operator would: `mall-pa user add` (on stdin)."""
        user_add(self.running.config, name, password, *roles, trained=trained)
        person = Staff(name, password, tuple(roles), trained)
        self.people[name] = person
        return person

    def sign_in(self, name: str) -> dict[str, Any]:
        """A new session for `name` through POST /api/login: its JSON (`token`, `csrf`,
        `expires_at`, `user`) and, under `cookie`, the value of the session cookie."""
        person = self.people[name]
        if self._signer is None:  # its own client: no cookie left in `running.http`'s jar
            self._signer = httpx.Client(
                base_url=self.base, timeout=10, verify=_verify(self.running)
            )
        answer = self._signer.post(
            "/api/login", json={"name": person.name, "password": person.password}
        )
        assert answer.status_code == 200, f"login as {name}: {answer.status_code} {answer.text}"
        cookie = answer.cookies.get(COOKIE)
        self._signer.cookies.clear()
        assert cookie, f"login as {name} set no {COOKIE} cookie"
        session: dict[str, Any] = {**answer.json(), "cookie": cookie}
        return session

    def bearer(self, name: str, *, fresh: bool = False) -> dict[str, str]:
        """`Authorization` headers for `name`, to arrange or check state through the API
        (a bearer request needs no CSRF token). One session per name is kept and reused;
        `fresh` makes a new one (after a test ended that one, changed the password...)."""
        if fresh or name not in self._tokens:
            self._tokens[name] = self.sign_in(name)["token"]
        return {"Authorization": f"Bearer {self._tokens[name]}"}

    def close(self) -> None:
        """Stop the service (SIGTERM) and check it stopped cleanly."""
        if self._signer is not None:
            self._signer.close()
        try:
            code = self.running.stop()
        except subprocess.TimeoutExpired:
            self.running.kill()
            raise AssertionError(
                f"mall-pa did not stop within 20 s of SIGTERM:\n{self.output()[-4000:]}"
            ) from None
        assert code == 0, f"mall-pa exited {code} on SIGTERM:\n{self.output()[-4000:]}"


def start_service(folder: Path, *, tls: bool = False) -> Service:
    """Write a short-track store in `folder`, start `mall-pa run` on it (HTTPS with its own
    certificate if `tls`), make the first admin with the setup token from the log, then the
    staff member, the trained announcer and the supervisor with `mall-pa user add`."""
    config = make_store(folder, tls=tls)
    running = Running(config, scheme="https" if tls else "http")
    try:
        token = wait_for("the setup link on the log", running.setup_link_token, 10)
        made = running.http.post(
            "/api/setup",
            json={"token": token, "name": ADMIN.name, "password": ADMIN.password},
        )
        assert made.status_code == 200, f"/api/setup: {made.status_code} {made.text}"
        running.http.cookies.clear()  # /api/setup set the admin's cookie: keep the jar empty
        session = made.json()
        admin = Staff(ADMIN.name, ADMIN.password, tuple(session["user"]["roles"]))
        service = Service(running, admin, {admin.name: admin})
        service._tokens[admin.name] = session["token"]
        _add_at_once(config, PEOPLE)  # the store waits out a busy database: no lost write
        service.people.update((person.name, person) for person in PEOPLE)
    except BaseException:
        running.kill()
        raise
    return service


def _add_at_once(config: Path, people: Sequence[Staff]) -> None:
    """`mall-pa user add` for each of `people`, all at once (each is half a second of
    start-up), the password on standard input."""
    adding = []
    for person in people:
        args = [str(MALL_PA), "user", "add", person.name, "--config", str(config)]
        args += [a for role in person.roles for a in ("--role", role)]
        args += ["--trained"] if person.trained else []
        pipe = subprocess.PIPE
        adding.append(subprocess.Popen(args, stdin=pipe, stdout=pipe, stderr=pipe, text=True))
    for person, process in zip(people, adding, strict=True):
        _, err = process.communicate(person.password + "\n", timeout=30)
        assert process.returncode == 0, f"mall-pa user add {person.name}: {err}"


def launch_browser(
    playwright: Playwright, executable: str, extra_args: Iterable[str] = ()
) -> Browser:
    """Debian's Chromium, headless, with `BROWSER_ARGS` and `extra_args`; never a download."""
    return playwright.chromium.launch(
        executable_path=executable,
        headless=True,
        args=[*BROWSER_ARGS, *extra_args],
    )


def cookie_sign_in(context: BrowserContext, service: Service, name: str) -> dict[str, Any]:
    """Sign `name` in through the API (not the login UI) and give `context` the session
    cookie, as /api/login would have; the session's JSON (with `csrf`, for a page that
    needs it, and `token`). Load or reload the page after this: it reads /api/me."""
    session = service.sign_in(name)
    context.add_cookies(
        [
            {
                "name": COOKIE,
                "value": session["cookie"],
                "domain": "127.0.0.1",
                "path": "/",
                "httpOnly": True,
                "secure": service.https,
                "sameSite": "Strict",
            }
        ]
    )
    return session


@dataclass
class Opened:
    """A browser context the harness opened for a test, its first page, and what went wrong
    on any of its pages: console messages of type error and uncaught exceptions."""

    label: str
    service: Served
    context: BrowserContext
    page: Page
    console_errors: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                where = message.location["url"] if message.location else ""
                found = f"console.error {message.text}" + (f" ({where})" if where else "")
                self.console_errors.append(found)

        def on_error(error: Error) -> None:
            self.console_errors.append(f"pageerror {error.name}: {error.message}")

        page.on("console", on_console)
        page.on("pageerror", on_error)


def _safe(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text).strip("_")[:150] or "test"


class Contexts:
    """The browser contexts of one test (the `contexts` fixture; `phone` and `desk` are
    `contexts.open("phone", ...)`), closed at its end by `finish`."""

    def __init__(self, browser: Browser, test_name: str) -> None:
        self.browser = browser
        self.test_name = _safe(test_name)
        self.opened: dict[str, Opened] = {}

    def __getitem__(self, label: str) -> Opened:
        return self.opened[label]

    def open(
        self,
        label: str,
        service: Served,
        options: Mapping[str, Any] = PHONE,
        browser: Browser | None = None,
    ) -> Opened:
        """A new context on `browser` (the shared one unless given), `base_url` the service,
        with `options` (PHONE, DESK, or your own), recording a trace; and its first page."""
        if label in self.opened:
            raise ValueError(f"a context labelled {label!r} is already open in this test")
        context = (browser or self.browser).new_context(
            base_url=service.base,
            ignore_https_errors=service.https,
            **options,
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.tracing.start(
            title=f"{self.test_name} {label}", screenshots=True, snapshots=True, sources=True
        )
        page = context.new_page()
        opened = Opened(label, service, context, page)
        opened.watch(page)
        context.on("page", opened.watch)  # pop-ups and pages the test opens later
        self.opened[label] = opened
        return opened

    def finish(self, failed: bool, allowed: Sequence[str] | None) -> None:
        """Save each context's screenshot, its trace if the test `failed` or a page erred,
        the service's log if so; close them; then fail on console errors not `allowed`
        (None: none allowed; empty: all allowed; else regular expressions searched for)."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        several = len(self.opened) > 1
        complaints: list[str] = []
        for opened in self.opened.values():
            errors = [e for e in opened.console_errors if not _allowed(e, allowed)]
            errors = [e for e in errors if not any(re.search(n, e) for n in NOT_PAGE_ERRORS)]
            complaints += [f"[{opened.label}] {e}" for e in errors]
        keep = failed or bool(complaints)
        problems: list[str] = []
        for opened in self.opened.values():
            stem = f"{self.test_name}-{opened.label}" if several else self.test_name
            trace = ARTIFACTS / f"{stem}-trace.zip"
            try:
                if not opened.page.is_closed():
                    opened.page.screenshot(path=ARTIFACTS / f"{stem}.png", timeout=5_000)
            except Error as err:
                problems.append(f"screenshot of {opened.label}: {err.message}")
            try:
                if keep:
                    opened.context.tracing.stop(path=trace)
                else:
                    opened.context.tracing.stop()
                    trace.unlink(missing_ok=True)  # an older run's, no longer true
                opened.context.close()
            except Error as err:
                problems.append(f"closing {opened.label}: {err.message}")
        services = {o.service.base: o.service for o in self.opened.values()}
        for service in services.values():
            scheme = "-https" if len(services) > 1 and service.https else ""
            log = ARTIFACTS / f"{self.test_name}-service{scheme}.log"
            if keep:
                log.write_text(service.output(), encoding="utf-8")
            else:
                log.unlink(missing_ok=True)
        self.opened.clear()
        if complaints:
            raise AssertionError(
                "the page logged errors (mark the test allow_console_errors if expected):\n"
                + "\n".join(complaints)
            )
        if problems and not failed:
            raise AssertionError("; ".join(problems))


def _allowed(error: str, allowed: Sequence[str] | None) -> bool:
    if allowed is None:
        return False
    return not allowed or any(re.search(pattern, error) for pattern in allowed)
