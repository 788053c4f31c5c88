"""An in-memory `Control` for the API tests, honest about every rule the HTTP layer relies on.

Accounts with roles and passwords, sessions with CSRF tokens and expiry, a login throttle,
pages worded by simplified B11 rules and moving queued -> on_air -> aired / cancelled,
idempotency keys and the two-minute duplicate rule, a per-user page rate limit, emergency
presets with an emergency on and off, status, timelines and feeds the test can push events
into. Time is `self.now`, moved only by `advance()`: nothing here sleeps or reads a clock.
The HTTP layer calls it from worker threads, so every method holds one lock.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import math
import re
import secrets
import shutil
import tempfile
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from daemon.catalog.load import load_catalog
from daemon.control import Control, Feed
from daemon.desk_book import BookDesk
from daemon.desk_preview import PreviewDesk
from daemon.desk_reports import ReportsDesk
from daemon.desk_scripts import ScriptsDesk
from daemon.desk_switchboard import SwitchboardDesk
from daemon.emergency import precedence
from daemon.previewer import Previewer
from daemon.store import Store
from daemon.switchboard.book import Deadlines
from daemon.views import (
    CheckView,
    Conflict,
    ControlError,
    EmergencyView,
    EventView,
    Forbidden,
    Health,
    LoginRefused,
    NotFound,
    NowPlaying,
    OutputView,
    PageIn,
    PageKind,
    PageState,
    PageView,
    PagingForm,
    PresetView,
    RecordingIn,
    Refused,
    Role,
    SessionView,
    StatusView,
    TooMany,
    UpcomingItem,
    User,
)
from tests.preview_store import make_preview_store

__all__ = ["SETUP_TOKEN", "START", "FakeControl", "FakeFeed"]


@functools.cache
def _previewer() -> Previewer:
    """The previews over the preview store, made once for every fake (it is only read): one
    preview process for them all."""
    folder = Path(tempfile.mkdtemp(prefix="fake-control-preview-"))
    catalog = load_catalog(make_preview_store(folder / "store"))
    previewer = Previewer(lambda: catalog, folder / "previews")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    atexit.register(previewer.close)
    return previewer


STORE_TZ = timezone(timedelta(hours=8))
SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 23, 10, 0, tzinfo=STORE_TZ)
SETUP_TOKEN = "setup-7f3a9c2e"
HONORIFICS = ("先生", "小姐", "女士")
TITLES = ("经理", "店长", "主管", "总监", "保安部", "工程部", "客服部")
PLATE = re.compile(r"^[\u4e00-\u9fff][A-Z][A-Z0-9]{5,6}$")
AUDIO_MAGIC = (b"RIFF", b"OggS", b"ID3", b"fLaC", b"\x1aE\xdf\xa3", b"\xff\xfb")


def _iso(t: datetime) -> str:
    return t.isoformat(timespec="milliseconds")


class FakeFeed:
    """A feed bound to the event loop it was made in; `push` may be called from any thread."""

    def __init__(self, events: list[EventView], end: bool) -> None:
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[EventView | None] = asyncio.Queue()
        for event in events:
            self._queue.put_nowait(event)
        if end:
            self._queue.put_nowait(None)
        self.closed = False

    def _put(self, item: EventView | None) -> None:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            self._queue.put_nowait(item)
        else:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, item)

    def push(self, event: EventView) -> None:
        if not self.closed:
            self._put(event)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._put(None)

    def __aiter__(self) -> AsyncIterator[EventView]:
        return self._events()

    async def _events(self) -> AsyncIterator[EventView]:
        while not self.closed:
            event = await self._queue.get()
            if event is None:
                return
            yield event


@dataclass
class _Account:
    user: User
    password: str


@dataclass
class _Page:
    view: PageView
    owner: int
    page: PageIn
    at: datetime


class FakeControl:
    """The whole `Control` protocol in memory (see the module docstring)."""

    PAGE_LIMIT = 5  # pages per person per PAGE_WINDOW
    PAGE_WINDOW = timedelta(seconds=60)
    DUPLICATE_WINDOW = timedelta(minutes=2)
    LOGIN_FAILURES = 3  # wrong passwords before a name is slowed down
    LOGIN_SLOWDOWN = timedelta(seconds=30)
    SESSION = timedelta(hours=12)

    def __init__(self, *, feeds_end: bool = False) -> None:
        self.now = START
        self.lock = threading.RLock()
        self.accounts: dict[str, _Account] = {}
        self.sessions: dict[str, tuple[str, str, datetime]] = {}  # token -> name, csrf, expiry
        self.failures: dict[str, list[datetime]] = {}
        self.store: dict[str, _Page] = {}
        self.keys: dict[tuple[int, str], str] = {}
        self.submitted: dict[int, list[datetime]] = {}
        self.preset_list = [
            PresetView("fire-evacuation", "火警疏散", "各位来宾请注意,请按指示有序疏散。", 45.0, 9),
            PresetView("power-outage", "停电", "各位来宾请注意,本店暂时停电,请留在原地。", 60.0, 5),
        ]
        self.emergency = EmergencyView(active=False)  # the one on air, else the last one
        self.emergencies: list[EmergencyView] = []  # the active ones, in the order they air
        self._book: tuple[SwitchboardDesk, BookDesk] | None = None
        self._reports: ReportsDesk | None = None
        self._scripts: ScriptsDesk | None = None
        self._previews: PreviewDesk | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._db: Store | None = None
        self.open = True
        self.health_now = Health(True)
        self.feeds: list[FakeFeed] = []
        self.feed_events: list[EventView] = []  # every new feed starts with these
        self.feeds_end = feeds_end  # ... and then ends (a TestClient reads whole responses)
        self.fail_next: ControlError | None = None
        self.audit: list[tuple[str, str, str]] = []  # who, what, address
        self.timelines: dict[str, list[dict[str, object]]] = {}
        self._next_id = 1

    # -- test hooks ------------------------------------------------------------------------------

    def add_user(
        self, name: str, password: str, *roles: Role, trained: bool = False, disabled: bool = False
    ) -> User:
        with self.lock:
            user = User(len(self.accounts) + 1, name, frozenset(roles), trained, disabled)
            self.accounts[name] = _Account(user, password)
            return user

    def session_for(self, name: str) -> SessionView:
        with self.lock:
            return self._session(self.accounts[name].user)

    def advance(self, seconds: float) -> None:
        with self.lock:
            self.now += timedelta(seconds=seconds)

    def set_state(self, page_id: str, state: PageState) -> None:
        with self.lock:
            entry = self.store[page_id]
            entry.view = replace(entry.view, state=state, aired_at=_iso(self.now))

    def publish(self, event: EventView) -> None:
        for feed in list(self.feeds):
            feed.push(event)

    def _fail(self) -> None:
        error, self.fail_next = self.fail_next, None
        if error is not None:
            raise error

    def _session(self, user: User) -> SessionView:
        token, csrf = secrets.token_urlsafe(24), secrets.token_urlsafe(16)
        expires = self.now + self.SESSION
        self.sessions[token] = (user.name, csrf, expires)
        return SessionView(token, csrf, user, _iso(expires))

    # -- accounts and sessions -------------------------------------------------------------------

    def needs_setup(self) -> bool:
        with self.lock:
            self._fail()
            return not any(Role.ADMIN in a.user.roles for a in self.accounts.values())

    def setup(self, setup_token: str, name: str, password: str, address: str) -> SessionView:
        with self.lock:
            self._fail()
            if not self.needs_setup():
                raise Forbidden("already_set_up", "管理员账号已经创建过了,请直接登录")
            if not secrets.compare_digest(setup_token.encode(), SETUP_TOKEN.encode()):
                raise Forbidden("bad_setup_token", "设置口令不对,请打开服务日志里打印的链接")
            if len(password) < 8:
                raise Refused("weak_password", "密码至少要 8 个字符", "password")
            if name in self.accounts:
                raise Refused("name_taken", "这个名字已经有人用了", "name")
            user = self.add_user(name, password, Role.ADMIN)
            self.audit.append((name, "setup", address))
            return self._session(user)

    def login(self, name: str, password: str, address: str) -> SessionView:
        with self.lock:
            self._fail()
            recent = [t for t in self.failures.get(name, []) if self.now - t < self.LOGIN_SLOWDOWN]
            self.failures[name] = recent
            if len(recent) >= self.LOGIN_FAILURES:
                wait = math.ceil((recent[0] + self.LOGIN_SLOWDOWN - self.now).total_seconds())
                raise LoginRefused("slowed_down", f"密码错误次数太多,请 {wait} 秒后再试", wait)
            account = self.accounts.get(name)
            if account is None or not secrets.compare_digest(
                account.password.encode(), password.encode("utf-8", "replace")
            ):
                recent.append(self.now)
                raise LoginRefused("wrong_password", "用户名或密码不对")
            if account.user.disabled:
                raise LoginRefused("disabled", "这个账号已停用,请联系管理员")
            self.failures.pop(name, None)
            self.audit.append((name, "login", address))
            return self._session(account.user)

    def logout(self, token: str, address: str) -> None:
        with self.lock:
            self._fail()
            found = self.sessions.pop(token, None)
            if found is not None:
                self.audit.append((found[0], "logout", address))

    def session_user(self, token: str) -> tuple[User, str] | None:
        with self.lock:
            self._fail()
            found = self.sessions.get(token)
            if found is None or found[2] <= self.now:
                return None
            return self.accounts[found[0]].user, found[1]

    # -- pages -----------------------------------------------------------------------------------

    def _words(self, page: PageIn) -> str:
        if page.kind not in ("customer", "staff", "lost_child", "vehicle"):
            raise Refused("unknown_kind", "不认识的广播类型", "kind")
        if not page.place:
            raise Refused("place_missing", "请填写地点(请到哪里)", "place")
        if page.kind in ("customer", "staff", "lost_child"):
            if not page.name:
                raise Refused("name_missing", "请填写姓名", "name")
            if any(c.isdigit() for c in page.name):
                raise Refused("name_digits", "姓名里不能有数字", "name")
        if page.kind in ("customer", "staff") and page.honorific not in HONORIFICS:
            raise Refused("honorific_unknown", "称呼只能是先生、小姐或女士", "honorific")
        title = next((t for t in TITLES if t in page.name), "")
        if page.kind == "staff" and title:
            raise Refused(
                "title_or_department",
                f"找本公司同事时不要称呼头衔或部门(「{title}」):只说"
                f"「本公司×××先生/小姐」(B11),请删去「{title}」。",
                "name",
            )
        note = f"{page.note}。" if page.note else ""
        if page.kind == "customer":
            return f"来宾{page.name}{page.honorific},请听到广播后到{page.place}。{note}"
        if page.kind == "staff":
            return f"本公司{page.name}{page.honorific},请听到广播后到{page.place}。{note}"
        if page.kind == "lost_child":
            return f"小朋友{page.name}的家长,请听到广播后到{page.place}。{note}"
        if not PLATE.match(page.plate):
            raise Refused("bad_plate", "车牌号格式不对,例如 沪A12345", "plate")
        return f"车牌号为{page.plate}的车主,请听到广播后到{page.place}。{note}"

    def paging_form(self) -> PagingForm:
        with self.lock:
            self._fail()
            kinds = (
                PageKind("customer", "来宾", ("name", "honorific", "place"), False),
                PageKind("staff", "本公司", ("name", "honorific", "place"), False),
                PageKind("lost_child", "走失儿童", ("name", "place"), True),
                PageKind("vehicle", "寻车", ("plate", "place"), False),
            )
            limits = {"name": 20, "place": 30, "note": 40, "plate": 20}
            return PagingForm(kinds, HONORIFICS, ("一楼服务台", "二楼服务台"), True, limits, 2)

    def preview_page(self, user: User, page: PageIn) -> str:
        with self.lock:
            self._fail()
            return self._words(page)

    def paging_closed(self) -> str:
        return "" if self.open else "现在不在营业时间,不能广播找人(B16)"

    def submit_page(
        self,
        user: User,
        page: PageIn,
        address: str,
        idempotency_key: str | None = None,
        recording: RecordingIn | None = None,
    ) -> tuple[PageView, bool]:
        with self.lock:
            self._fail()
            if recording is not None:
                self._check_recording(user, recording.data)
            if idempotency_key is not None and (user.id, idempotency_key) in self.keys:
                return self._view(self.keys[user.id, idempotency_key]), False
            for pid, entry in self.store.items():
                fresh = self.now - entry.at < self.DUPLICATE_WINDOW
                if entry.owner == user.id and entry.page == page and fresh:
                    return self._view(pid), False
            text = self._words(page)
            if closed := self.paging_closed():
                raise Conflict("closed", closed)
            recent = [t for t in self.submitted.get(user.id, []) if self.now - t < self.PAGE_WINDOW]
            if len(recent) >= self.PAGE_LIMIT:
                wait = math.ceil((recent[0] + self.PAGE_WINDOW - self.now).total_seconds())
                raise TooMany("too_many_pages", f"提交得太快了,请 {wait} 秒后再试", wait)
            self.submitted[user.id] = [*recent, self.now]
            pid = f"p{self._next_id:04d}"
            self._next_id += 1
            urgent = page.kind == "lost_child" if page.urgent is None else page.urgent
            view = PageView(
                pid, page.kind, PageState.QUEUED, text, urgent, _iso(self.now), user.name,
                round(len(text) * 0.3 * 2, 2), recorded_by=user.name if recording else "",
            )  # fmt: skip
            self.store[pid] = _Page(view, user.id, page, self.now)
            if idempotency_key is not None:
                self.keys[user.id, idempotency_key] = pid
            self.audit.append((user.name, f"page {pid}", address))
            return self._view(pid), True

    def _queue(self) -> list[str]:
        """Queued pages in airing order: urgent first, then first come."""
        queued = [
            (not p.view.urgent, p.at, pid)
            for pid, p in self.store.items()
            if p.view.state is PageState.QUEUED
        ]
        return [pid for *_, pid in sorted(queued)]

    def _view(self, pid: str) -> PageView:
        view = self.store[pid].view
        if view.state is not PageState.QUEUED:
            return replace(view, position=None, eta_seconds=None, airs_after="")
        queue = self._queue()
        position = queue.index(pid) + 1
        eta = 30.0 + sum(self.store[q].view.duration_seconds for q in queue[: position - 1])
        return replace(view, position=position, eta_seconds=eta, airs_after="the current song")

    def _visible(self, user: User, page_id: str) -> _Page:
        entry = self.store.get(page_id)
        if entry is None or (entry.owner != user.id and not user.desk):
            raise NotFound("page_not_found", "找不到这条广播")
        return entry

    def page(self, user: User, page_id: str) -> PageView:
        with self.lock:
            self._fail()
            self._visible(user, page_id)
            return self._view(page_id)

    def pages(self, user: User, state: str | None = None, day: str | None = None) -> list[PageView]:
        with self.lock:
            self._fail()
            wanted = self._day(day)
            return [
                self._view(pid)
                for pid, p in self.store.items()
                if (user.desk or p.owner == user.id)
                and (state is None or p.view.state.value == state)
                and p.at.date() == wanted
            ]

    def cancel_page(self, user: User, page_id: str, address: str) -> PageView:
        with self.lock:
            self._fail()
            entry = self._visible(user, page_id)
            state = entry.view.state
            if state is PageState.ON_AIR:
                raise Conflict("on_air", "这条广播正在播出,会完整播完(B12),不能取消")
            if state is not PageState.QUEUED:
                raise Conflict("not_queued", "这条广播已经播过或已取消,不能再取消")
            entry.view = replace(
                entry.view,
                state=PageState.CANCELLED,
                finished_at=_iso(self.now),
                reason=f"{user.name} 取消",
            )
            self.audit.append((user.name, f"cancel {page_id}", address))
            return self._view(page_id)

    def record_page(
        self, user: User, page_id: str, data: bytes, filename: str, address: str
    ) -> PageView:
        with self.lock:
            self._fail()
            self._check_recording(user, b"")
            entry = self._visible(user, page_id)
            if entry.view.state is not PageState.QUEUED:
                raise Conflict("not_queued", "这条广播已经不在等候中,不能换录音")
            self._check_recording(user, data)
            entry.view = replace(entry.view, recorded_by=user.name)
            self.audit.append((user.name, f"record {page_id} {filename}", address))
            return self._view(page_id)

    @staticmethod
    def _check_recording(user: User, data: bytes) -> None:
        """Forbidden unless trained; Refused unless `data` (b"": not looked at) is audio."""
        if not user.trained:
            raise Forbidden("not_trained", "只有受过训练的播音员才能用自己的录音播音(B7)")
        if data and not data.startswith(AUDIO_MAGIC) and data[4:8] != b"ftyp":
            raise Refused("not_audio", "这不是能播放的录音文件", "audio")

    # -- emergencies -----------------------------------------------------------------------------

    def presets(self) -> list[PresetView]:
        with self.lock:
            self._fail()
            return list(self.preset_list)

    def start_emergency(
        self, user: User, script_id: str, address: str
    ) -> tuple[EmergencyView, bool]:
        with self.lock:
            self._fail()
            preset = next((p for p in self.preset_list if p.id == script_id), None)
            if preset is None:
                raise NotFound("no_such_preset", "没有这个已批准的紧急广播稿")
            same = [e for e in self.emergencies if e.script == script_id]
            if same:
                return same[0], False
            started = EmergencyView(
                True, preset.id, preset.title, _iso(self.now), user.name, None, "", "on_air",
                preset.priority,
            )  # fmt: skip
            before = self.emergencies[0] if self.emergencies else None
            self._rank([*self.emergencies, started])
            self.audit.append((user.name, f"emergency {script_id}", address))
            event = EventView("emergency_started", {"script": preset.id}, self._next_id)
            view = next(e for e in self.emergencies if e.script == script_id)
            if before is not None and view.state == "on_air":
                view = replace(view, preempts=before.title)
        self.publish(event)
        return view, True

    def clear_emergency(self, user: User, script_id: str | None, address: str) -> EmergencyView:
        with self.lock:
            self._fail()
            if not self.emergencies:
                raise Conflict("no_emergency", "现在没有紧急广播")
            if script_id is None and len(self.emergencies) > 1:
                raise Conflict("which_emergency", "现在有多个紧急广播,请指明结束哪一个")
            wanted = script_id or self.emergencies[0].script
            found = [e for e in self.emergencies if e.script == wanted]
            if not found:
                raise Conflict("not_active", f"「{wanted}」现在没有在广播")
            cleared = replace(
                found[0], active=False, cleared_at=_iso(self.now), cleared_by=user.name,
                state="cleared", behind="",
            )  # fmt: skip
            self._rank([e for e in self.emergencies if e.script != wanted])
            if not self.emergencies:
                self.emergency = cleared
            self.audit.append((user.name, f"clear {wanted}", address))
            return cleared

    def _rank(self, active: list[EmergencyView]) -> None:
        """The engine's order: the highest priority, then the earliest, airs."""
        ranked = sorted(enumerate(active), key=lambda pair: precedence(pair[1].priority, pair[0]))
        first = ranked[0][1] if ranked else None
        self.emergencies = [
            replace(e, state="on_air" if e is first else "waiting",
                    behind="" if first is None or e is first else first.title)
            for _, e in ranked
        ]  # fmt: skip
        if first is not None:
            self.emergency = self.emergencies[0]

    # -- reading ---------------------------------------------------------------------------------

    def _day(self, day: str | None) -> date:
        if day is None:
            return self.now.date()
        try:
            return date.fromisoformat(day)
        except ValueError:
            raise Refused("bad_day", "日期格式不对(YYYY-MM-DD)", "date") from None

    def status(self) -> StatusView:
        with self.lock:
            self._fail()
            now = _iso(self.now)
            later = _iso(self.now + timedelta(minutes=3))
            playing = NowPlaying("music", "playlist", "song-1", "晨光", now, later, 180.0)
            upcoming = (UpcomingItem("intro", "break", "intro", "开场", later, later),)
            on_air = bool(self.emergencies) or any(
                p.view.state is PageState.ON_AIR for p in self.store.values()
            )
            return StatusView(
                day=self.now.date().isoformat(),
                now=now,
                open=self.open,
                on_air=on_air,
                now_playing=playing,
                upcoming=upcoming,
                queue=tuple(self._view(pid) for pid in self._queue()),
                emergency=self.emergency,
                emergencies=tuple(self.emergencies),
                output=OutputView("null", True),
                check=CheckView(now, True, (), ("所有文件都能播放",)),
            )

    # -- the switchboard: the real one, over the fake's store --------------------------------

    @property
    def switchboard(self) -> SwitchboardDesk:
        return self._switchboard()[0]

    @property
    def book(self) -> BookDesk:
        return self._switchboard()[1]

    def _switchboard(self) -> tuple[SwitchboardDesk, BookDesk]:
        with self.lock:
            if self._book is None:
                store, clock, zone = self.db, (lambda: self.now.timestamp()), (lambda: SHANGHAI)
                desk = SwitchboardDesk(store, "欧洲村", time(10), Deadlines(), clock, zone)
                changed = lambda kind: self.publish(EventView(kind, {}))  # noqa: E731
                self._book = (desk, BookDesk(store, desk.index, Deadlines(), clock, zone, changed))
            return self._book

    # -- proof of play: the real one, over the same store (a test writes its as-run log) -----

    @property
    def reports(self) -> ReportsDesk:
        with self.lock:
            if self._reports is None:
                clock = lambda: self.now.timestamp()  # noqa: E731
                self._reports = ReportsDesk(self.db, clock, lambda: SHANGHAI)
            return self._reports

    # -- the scripts workflow: the real one, with a library folder beside the store ----------

    @property
    def scripts(self) -> ScriptsDesk:
        with self.lock:
            if self._scripts is None:
                library = self.db.path.parent / "scripts_library"
                library.mkdir(exist_ok=True)
                names = (("一楼", "二楼", "停车场"), ("daytime", "evening"))
                clock = lambda: self.now.timestamp()  # noqa: E731
                self._scripts = ScriptsDesk(self.db, library, lambda: names, clock,
                                            lambda: SHANGHAI)  # fmt: skip
            return self._scripts

    @property
    def previews(self) -> PreviewDesk:
        """The real previews over a small real store (tests/preview_store.py), made on first
        use."""
        with self.lock:
            if self._previews is None:
                previewer = _previewer()
                clock = lambda: self.now.timestamp()  # noqa: E731
                self._previews = PreviewDesk(self.db, self.scripts, previewer, clock,
                                             lambda: SHANGHAI)  # fmt: skip
            return self._previews

    @property
    def db(self) -> Store:
        """The fake's SQLite store, made on first use (most tests never touch it): a file in
        a folder that goes with this control."""
        with self.lock:
            if self._db is None:
                self._folder = tempfile.TemporaryDirectory(prefix="fake-control-")
                self._db = Store(Path(self._folder.name) / "mall-pa.db")
            return self._db

    def timeline(self, day: str | None = None) -> list[dict[str, object]]:
        with self.lock:
            self._fail()
            wanted = self._day(day).isoformat()
            return list(self.timelines.get(wanted, []))

    def subscribe(self) -> Feed:
        feed = FakeFeed(list(self.feed_events), self.feeds_end)
        self.feeds.append(feed)
        return feed

    def health(self) -> Health:
        with self.lock:
            return self.health_now


def _conforms(control: FakeControl) -> Control:
    return control  # mypy checks here that FakeControl is a Control
