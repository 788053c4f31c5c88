"""The control facade (`daemon.control.Control`) over the store, the accounts and a station.

Every command is validated, written to the store (synchronous=FULL), handed to the station,
and acknowledged only once the engine has applied it (or `Busy` if it has not within
`wait` seconds: the command stays in the store and airs all the same, so a client's retry
with the same idempotency key finds it). Reads come from the store and from the forecast
the playing side publishes; no call here touches the engine or the audio thread.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time as dt_time
from pathlib import Path

from daemon.accounts import Accounts
from daemon.desk_book import BookDesk
from daemon.desk_emergency import EmergencyDesk
from daemon.desk_preview import PreviewDesk
from daemon.desk_reports import ReportsDesk
from daemon.desk_scripts import ScriptsDesk
from daemon.desk_switchboard import SwitchboardDesk
from daemon.desk_views import (
    event_data,
    fields_of,
    now_playing,
    page_in_of,
    page_view,
    paging_form,
    parse_day,
    queue_data,
    request_of,
    upcoming,
)
from daemon.drivers.station import Station
from daemon.events import Event
from daemon.feeds import Broadcast, EventFeed
from daemon.model import Cancel, Command, DayPlan, Instant, ItemKind, Page, Script, Track
from daemon.paging import Measure, make_page, preview
from daemon.policy import QUEUE_FULL
from daemon.previewer import Previewer
from daemon.recurrence import format_local, to_local
from daemon.speech.audio import Audio
from daemon.speech.recording import RecordingRefused, decode_recording
from daemon.speech.speaker import Speaker
from daemon.speech.wording import PageRefused
from daemon.store import DuplicatePage, PageRecord, Store
from daemon.switchboard.book import Deadlines
from daemon.switchboard.greeting import DEFAULT_MORNING_UNTIL
from daemon.timeline import entry_json
from daemon.views import (
    Busy,
    CheckView,
    Conflict,
    EmergencyView,
    Forbidden,
    Health,
    NotFound,
    OutputView,
    PageIn,
    PageState,
    PageView,
    PagingForm,
    PresetView,
    RecordingIn,
    Refused,
    SessionView,
    StatusView,
    TooMany,
    User,
)

__all__ = ["Desk", "DeskSettings"]

_SAME_PAGE_SECONDS = 120.0  # the same page by the same person within this is a retry
QUEUE_RETRY_SECONDS = 120  # Retry-After of a page refused for a full queue


def _closed(plan: DayPlan, now: Instant) -> str:
    """Why no page can go out at `now` (B16), for the phone; "" while the store is open."""
    if plan.open_at(now):
        return ""
    hours = "-".join(f"{to_local(t, plan.zone):%H:%M}" for t in (plan.opening, plan.closing))
    return f"现在不在营业时间({hours}),找人广播发不出去(B16);紧急情况请用紧急广播。"


@dataclass(frozen=True, slots=True)
class DeskSettings:
    pages_per_minute: int = 6  # per person
    wait: float = 2.0  # seconds to wait for the engine to apply a command
    store_name: str = "商场"  # the switchboard's greeting names it (S1)
    morning_until: dt_time = DEFAULT_MORNING_UNTIL
    deadlines: Deadlines = field(default_factory=Deadlines)  # complaints: due, then late (S8)
    library: Path | None = None  # the scripts library approval writes into (B6); None: none
    script_names: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())  # config zones, dayparts
    campaign_min_gap_minutes: float = 0.0  # the config's [breaks], which scripts must respect


class Desk:
    def __init__(
        self,
        station: Station,
        store: Store,
        accounts: Accounts,
        speaker: Speaker,
        presets: dict[str, Script],
        measure: Measure | None = None,
        settings: DeskSettings = DeskSettings(),
        clock: Callable[[], float] = time.time,
        previewer: Previewer | None = None,
    ) -> None:
        """`previewer`: plans and simulates days for the scripts' previews (None: none)."""
        self.station, self.store, self.accounts = station, store, accounts
        self.speaker, self._presets, self._measure = speaker, presets, measure
        self.settings, self._clock = settings, clock
        self.check: CheckView | None = None  # the last pre-opening check (B1)
        self._broadcast = Broadcast()
        self._emergencies = EmergencyDesk(
            store, presets, self._apply, clock, lambda: self.station.plan
        )
        zone = lambda: self.station.plan.zone  # noqa: E731
        self.switchboard = SwitchboardDesk(
            store, settings.store_name, settings.morning_until, settings.deadlines, clock, zone
        )
        self.book = BookDesk(store, self.switchboard.index, settings.deadlines, clock, zone,
                             lambda kind: self._broadcast.publish(kind, {}))  # fmt: skip
        self.reports = ReportsDesk(store, clock, zone, lambda: {
            c.script.id: c.script.title for c in self.station.plan.campaigns})  # fmt: skip
        self.scripts = ScriptsDesk(store, settings.library, lambda: settings.script_names,
                                   clock, zone, settings.campaign_min_gap_minutes)  # fmt: skip
        self.previews = PreviewDesk(store, self.scripts, previewer, clock, zone)
        station.subscribe(self._publish)

    # -- accounts ----------------------------------------------------------------------------

    def needs_setup(self) -> bool:
        return not self.store.any_admin()

    def setup(self, setup_token: str, name: str, password: str, address: str) -> SessionView:
        return self.accounts.setup(setup_token, name, password, address)

    def login(self, name: str, password: str, address: str) -> SessionView:
        return self.accounts.authenticate(name, password, address)

    def logout(self, token: str, address: str) -> None:
        self.accounts.logout(token, address)

    def session_user(self, token: str) -> tuple[User, str] | None:
        return self.accounts.session_user(token)

    # -- pages -------------------------------------------------------------------------------

    def paging_form(self) -> PagingForm:
        return paging_form(self.speaker.rules)

    def preview_page(self, user: User, page: PageIn) -> str:
        try:
            return preview(request_of(page), self.speaker.rules)
        except PageRefused as refusal:
            raise Refused(refusal.code, refusal.message, refusal.field) from None

    def paging_closed(self) -> str:
        return _closed(self.station.plan, self._clock())

    def submit_page(
        self,
        user: User,
        page: PageIn,
        address: str,
        idempotency_key: str | None = None,
        recording: RecordingIn | None = None,
    ) -> tuple[PageView, bool]:
        store, now = self.store, self._clock()
        if recording is not None and not user.trained:
            raise _not_trained()
        if idempotency_key is not None:
            earlier = store.page_by_key(user.id, idempotency_key)
            if earlier is not None:
                return self._view(earlier), False
        text = self.preview_page(user, page)
        earlier = store.recent_page(user.id, text, now - _SAME_PAGE_SECONDS)
        if earlier is not None:
            return self._view(earlier), False
        if store.pages_since(user.id, now - 60) >= self.settings.pages_per_minute:
            raise TooMany("too_many_pages", "一分钟内找人广播太多,请稍后再试。", 60)
        plan = self.station.plan
        if closed := _closed(plan, now):
            raise Conflict("closed", closed)
        page_id = f"p{plan.day:%Y%m%d}-{secrets.token_hex(4)}"
        audio = None if recording is None else _decoded(recording)
        made = self._make(page, page_id, user, audio)
        record = PageRecord(
            page_id, plan.day.isoformat(), made.kind, made.text, made.urgent, made.duration,
            now, user.name, user.id, fields_of(page), str(made.audio.path if made.audio else ""),
            made.recorded_by, idempotency_key, PageState.QUEUED.value, now, "",
        )  # fmt: skip
        try:
            store.add_page(record)
        except DuplicatePage:  # the same key at the same moment from a second request
            again = store.page_by_key(user.id, idempotency_key) if idempotency_key else None
            if again is None:
                raise
            return self._view(again), False
        store.audit(now, user.name, address, "page", page_id, {"text": made.text})
        self._apply(made, "page_not_taken")
        return self._view(store.page(page_id) or record), True

    def page(self, user: User, page_id: str) -> PageView:
        return self._view(self._own(user, page_id))

    def pages(self, user: User, state: str | None = None, day: str | None = None) -> list[PageView]:
        wanted = day or self.station.plan.day.isoformat()
        parse_day(wanted)
        records = self.store.pages(day=wanted, state=state, user_id=None if user.desk else user.id)
        return list(self._views(records))

    def cancel_page(self, user: User, page_id: str, address: str) -> PageView:
        record = self._own(user, page_id)
        if record.state != PageState.QUEUED:
            raise _not_waiting(record)
        applied = self._apply(Cancel(page_id, user.name), "cancel_failed", raise_refusal=False)
        if not applied:
            raise _not_waiting(self.store.page(page_id) or record)
        self.store.audit(self._clock(), user.name, address, "page_cancel", page_id)
        return self._view(self.store.page(page_id) or record)

    def record_page(
        self, user: User, page_id: str, data: bytes, filename: str, address: str
    ) -> PageView:
        if not user.trained:
            raise _not_trained()
        record = self._own(user, page_id)
        if record.state != PageState.QUEUED:
            raise _not_waiting(record)
        audio = _decoded(RecordingIn(data, filename))
        rendered = self.speaker.page(request_of(page_in_of(record.request)), audio)
        if self._measure is not None:
            self._measure(rendered.path)
        if not self._apply(Cancel(page_id, user.name), "record_failed", raise_refusal=False):
            raise _not_waiting(self.store.page(page_id) or record)
        self.store.set_page_audio(page_id, str(rendered.path), rendered.duration, user.name)
        page = Page(
            page_id, record.kind, record.text, rendered.duration, record.urgent,
            record.requested_by, Track(rendered.path, record.text, rendered.duration), user.name,
        )  # fmt: skip
        self.store.set_page_state(page_id, PageState.QUEUED.value, self._clock(), "recorded")
        self._apply(page, "page_not_taken")
        self.store.audit(self._clock(), user.name, address, "page_record", page_id)
        return self._view(self.store.page(page_id) or record)

    # -- emergencies (`daemon.desk_emergency`) ----------------------------------------------

    def presets(self) -> list[PresetView]:
        return self._emergencies.presets()

    def start_emergency(
        self, user: User, script_id: str, address: str
    ) -> tuple[EmergencyView, bool]:
        return self._emergencies.start(user, script_id, address)

    def clear_emergency(self, user: User, script_id: str | None, address: str) -> EmergencyView:
        return self._emergencies.clear(user, script_id, address)

    # -- reading -----------------------------------------------------------------------------

    def status(self) -> StatusView:
        station, store = self.station, self.store
        plan, forecast, now = station.plan, station.forecast(), station.now()
        zone = plan.zone
        waiting = sorted(
            (r for r in store.pages(state=PageState.QUEUED.value) if r.id in forecast.pages),
            key=lambda r: forecast.pages[r.id].position,
        )
        item = forecast.on_air
        ok, problem = station.audio_ok()
        device, warning = station.output()
        emergency, emergencies = self._emergencies.now()
        calm = forecast.calm_until if forecast.calm_until and forecast.calm_until > now else None
        return StatusView(
            day=plan.day.isoformat(),
            now=format_local(now, zone),
            open=plan.open_at(now),
            on_air=item is not None and item.kind in (ItemKind.ANNOUNCEMENT, ItemKind.EMERGENCY),
            now_playing=now_playing(forecast, zone),
            upcoming=upcoming(forecast, zone),
            queue=self._views(waiting),
            emergency=emergency,
            emergencies=emergencies,
            output=OutputView(device, ok, warning or problem),
            check=self.check,
            campaigns_held_until=None if calm is None else format_local(calm, zone),
        )

    def timeline(self, day: str | None = None) -> list[dict[str, object]]:
        wanted = day or self.station.plan.day.isoformat()
        parse_day(wanted)
        zone = self.station.plan.zone
        return [entry_json(e, zone) for e in self.store.asrun(wanted)]

    def subscribe(self) -> EventFeed:
        return self._broadcast.feed()

    def health(self) -> Health:
        ok, problem = self.station.audio_ok()
        return Health(ok, problem, self.station.underruns())

    # -- inside ------------------------------------------------------------------------------

    def _make(self, page: PageIn, page_id: str, user: User, recording: Audio | None) -> Page:
        try:
            return make_page(
                self.speaker, request_of(page), page_id, urgent=page.urgent,
                requested_by=user.name, recording=recording, recorded_by=user.name,
                measure=self._measure,
            )  # fmt: skip
        except PageRefused as refusal:
            raise Refused(refusal.code, refusal.message, refusal.field) from None

    def _apply(self, command: Command, code: str, raise_refusal: bool = True) -> bool:
        """Hand `command` to the station and wait for the engine; True if it was accepted."""
        applied = self.station.submit(command).wait(self.settings.wait)
        if applied is None:
            raise Busy("busy", "播音系统暂时没有响应,请求已记下,请稍后刷新查看。")
        if not applied.accepted and applied.reason.startswith(QUEUE_FULL):
            raise TooMany(
                "queue_full", "找人广播排队已满,现在提交要等半小时以上;请过几分钟再试。",
                QUEUE_RETRY_SECONDS,
            )  # fmt: skip
        if not applied.accepted and raise_refusal and code:
            raise Conflict(code, f"播音系统没有接受:{applied.reason}")
        return applied.accepted

    def _own(self, user: User, page_id: str) -> PageRecord:
        record = self.store.page(page_id)
        if record is None or (not user.desk and record.user_id != user.id):
            raise NotFound("no_page", "没有这条找人广播(或不是您提交的)。")
        return record

    def _view(self, record: PageRecord) -> PageView:
        return self._views([record])[0]

    def _views(self, records: list[PageRecord]) -> tuple[PageView, ...]:
        station = self.station
        forecast, now, zone = station.forecast(), station.now(), station.plan.zone
        histories = self.store.histories([r.id for r in records])
        return tuple(page_view(r, histories[r.id], forecast, now, zone) for r in records)

    def _publish(self, event: Event) -> None:
        """Each event for the feeds; and whenever an item starts or a page changes, every
        waiting page's place and ETA (the forecast is already the new one by then)."""
        shown = event_data(event, self.station.plan.zone)
        if shown is None:
            return
        self._broadcast.publish(*shown)
        if shown[0] in ("item_started", "page"):
            queue = queue_data(self.station.forecast(), self.station.now())
            self._broadcast.publish("queue", queue)


def _not_trained() -> Forbidden:
    return Forbidden("not_trained", "只有受过训练的播音员才能用自己的录音播出(B7)。")


def _decoded(recording: RecordingIn) -> Audio:
    try:
        return decode_recording(recording.data, name=recording.filename or "录音")
    except RecordingRefused as refusal:
        raise Refused(f"recording_{refusal.code}", refusal.message, "audio") from None


def _not_waiting(record: PageRecord) -> Conflict:
    if record.state == PageState.ON_AIR:
        return Conflict("on_air", "这条广播正在播出,会播完为止(B12),不能取消或更换。")
    state = _STATE_WORDS.get(record.state, record.state)
    return Conflict("not_queued", f"这条广播已经不在排队中:{state}。")


_STATE_WORDS: dict[str, str] = {
    PageState.AIRED: "已经播出",
    PageState.CANCELLED: "已经取消",
    PageState.SKIPPED: "未能播出",
}
