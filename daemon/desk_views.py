"""Records, forecasts and events turned into the views the API shows (`daemon.views`). Pure.

Instants become ISO 8601 times in the store's zone; a queued page gets its place and ETA
from the engine's forecast; events become server-sent events with JSON-ready data.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from daemon.drivers.forecast import Forecast
from daemon.events import EmergencyChanged, Event, ItemEnded, ItemStarted, PageChanged
from daemon.model import Instant, ItemKind
from daemon.recurrence import format_local
from daemon.speech.wording import (
    NAME_LIMIT,
    NOTE_LIMIT,
    PLACE_LIMIT,
    PageRequest,
    PagingRules,
    template_fields,
)
from daemon.store import EmergencyRecord, PageRecord
from daemon.views import (
    EmergencyView,
    NowPlaying,
    PageIn,
    PageKind,
    PageState,
    PageView,
    PagingForm,
    Refused,
    UpcomingItem,
)

__all__ = [
    "emergency_view",
    "event_data",
    "fields_of",
    "now_playing",
    "page_in_of",
    "page_view",
    "paging_form",
    "parse_day",
    "queue_data",
    "request_of",
    "upcoming",
]

_FINISHED = {PageState.AIRED, PageState.CANCELLED, PageState.SKIPPED}


def _iso(at: Instant | None, zone: ZoneInfo) -> str | None:
    return None if at is None else format_local(at, zone)


def page_view(
    record: PageRecord,
    history: list[tuple[float, str, str]],
    forecast: Forecast,
    now: Instant,
    zone: ZoneInfo,
) -> PageView:
    """`history` is the page's (at, state, reason) changes, oldest first."""
    state = PageState(record.state)
    aired = [at for at, s, _ in history if s == PageState.ON_AIR]
    finished = [at for at, s, _ in history if s in _FINISHED]
    place = forecast.pages.get(record.id) if state is PageState.QUEUED else None
    eta = None
    if place is not None and place.starts is not None:
        eta = round(max(0.0, place.starts - now), 1)
    return PageView(
        id=record.id,
        kind=record.kind,
        state=state,
        text=record.text,
        urgent=record.urgent,
        requested_at=format_local(record.requested_at, zone),
        requested_by=record.requested_by,
        duration_seconds=round(record.duration, 2),
        position=None if place is None else place.position,
        eta_seconds=eta,
        airs_after="" if place is None else place.after,
        aired_at=_iso(aired[-1] if aired else None, zone),
        finished_at=_iso(finished[-1] if finished else None, zone),
        reason=record.reason,
        recorded_by=record.recorded_by,
    )


def emergency_view(
    record: EmergencyRecord, zone: ZoneInfo, state: str, priority: int, behind: str = ""
) -> EmergencyView:
    return EmergencyView(
        active=record.cleared_at is None,
        script=record.script_id,
        title=record.title,
        started_at=format_local(record.started_at, zone),
        started_by=record.started_by,
        cleared_at=_iso(record.cleared_at, zone),
        cleared_by=record.cleared_by,
        state=state,
        priority=priority,
        behind=behind,
    )


def now_playing(forecast: Forecast, zone: ZoneInfo) -> NowPlaying | None:
    item = forecast.on_air
    if item is None:
        return None
    ends = forecast.ends if forecast.ends is not None else forecast.started + item.duration
    return NowPlaying(
        item.kind.value,
        item.source.value,
        item.ref,
        item.title,
        format_local(forecast.started, zone),
        format_local(ends, zone),
        round(item.duration, 3),
    )


def upcoming(forecast: Forecast, zone: ZoneInfo) -> tuple[UpcomingItem, ...]:
    return tuple(
        UpcomingItem(
            u.item.kind.value,
            u.item.source.value,
            u.item.ref,
            u.item.title,
            format_local(u.at, zone),
            format_local(u.ends, zone),
        )
        for u in forecast.upcoming
    )


def queue_data(forecast: Forecast, now: Instant) -> dict[str, object]:
    """Every waiting page's place, for the `queue` event: the phones' positions and ETAs."""
    places = sorted(forecast.pages.items(), key=lambda p: p[1].position)
    return {
        "pages": [
            {"id": page_id, "position": place.position, "airs_after": place.after,
             "eta_seconds": None if place.starts is None else round(place.starts - now, 1)}
            for page_id, place in places
        ]
    }  # fmt: skip


def event_data(event: Event, zone: ZoneInfo) -> tuple[str, dict[str, object]] | None:
    """The server-sent event for `event` (type, data), or None for internal ones."""
    match event:
        case ItemStarted(at, item):
            spoken = item.kind in (ItemKind.ANNOUNCEMENT, ItemKind.EMERGENCY)
            return "item_started", {
                "kind": item.kind.value,
                "source": item.source.value,
                "ref": item.ref,
                "title": item.title,
                "started_at": format_local(at, zone),
                "ends_at": format_local(at + item.duration, zone),
                "on_air": spoken,
            }
        case ItemEnded(entry):
            return "item_ended", {
                "kind": entry.kind.value,
                "source": entry.source.value,
                "ref": entry.ref,
                "title": entry.title,
                "started_at": format_local(entry.start, zone),
                "ended_at": format_local(entry.end, zone),
                "interrupted": entry.interrupted,
                "reason": entry.reason,
            }
        case PageChanged(at, page_id, state, reason):
            return "page", {
                "id": page_id,
                "state": state,
                "at": format_local(at, zone),
                "reason": reason,
            }
        case EmergencyChanged(at, active, script_id, title):
            kind = "emergency_started" if active else "emergency_cleared"
            return kind, {"script": script_id, "title": title, "at": format_local(at, zone)}
        case _:
            return None


KIND_LABELS = {"customer": "来宾", "staff": "本公司", "lost_child": "走失儿童", "vehicle": "寻车"}
_FIELD_ORDER = ("name", "honorific", "plate", "place")
PLATE_LIMIT = 20  # as the API takes it: 粤B·12345F with room for the typist's spaces


def paging_form(rules: PagingRules) -> PagingForm:
    """The phone form for these rules: each template's kind with the fields it fills."""
    kinds = tuple(
        PageKind(
            kind,
            KIND_LABELS.get(kind, kind),
            tuple(f for f in _FIELD_ORDER if f in template_fields(template)),
            kind == "lost_child",
        )
        for kind, template in rules.templates.items()
    )
    limits = {"name": NAME_LIMIT, "place": PLACE_LIMIT, "note": NOTE_LIMIT, "plate": PLATE_LIMIT}
    return PagingForm(
        kinds, rules.honorifics, rules.places, rules.free_places, limits, rules.repeat
    )


def request_of(page: PageIn) -> PageRequest:
    return PageRequest(page.kind, page.name, page.honorific, page.place, page.plate, page.note)


def fields_of(page: PageIn) -> dict[str, object]:
    return {
        "kind": page.kind, "name": page.name, "honorific": page.honorific, "place": page.place,
        "plate": page.plate, "note": page.note, "urgent": page.urgent,
    }  # fmt: skip


def page_in_of(fields: dict[str, object]) -> PageIn:
    """The request a page was made from, as stored with it."""
    text = {k: str(fields.get(k) or "") for k in ("name", "honorific", "place", "plate", "note")}
    urgent = fields.get("urgent")
    return PageIn(
        str(fields.get("kind", "")), **text, urgent=urgent if isinstance(urgent, bool) else None
    )


def parse_day(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise Refused(
            "bad_date", f"日期「{text}」看不懂,请写成 2026-11-23 这样。", "date"
        ) from None
