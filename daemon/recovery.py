"""After a crash, a power cut or a restart: the day so far, read back from the store.

`recover(...)` closes the as-run rows left open (the item on air when the process stopped:
logged as interrupted at the last heartbeat, the best bound on its true end), re-queues the
pages that were taken and not yet aired (one on air airs again in full, B12), skips pages of
earlier days (their day is over), and finds the emergencies that were active and the day's
clears (an all-clear not yet aired in full is still owed). The result is a
`Recovery` for `Engine.restore`: nothing is re-simulated, so only what really aired counts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from daemon.desk_views import page_in_of, request_of
from daemon.model import DayPlan, EmergencyCall, Instant, Page, Recovery, Script, Track
from daemon.paging import Measure, make_page
from daemon.speech.speaker import Speaker
from daemon.speech.wording import PageRefused
from daemon.store import PageRecord, Store
from daemon.views import PageState

__all__ = ["recover"]

log = logging.getLogger(__name__)

_STOPPED = "the service stopped while it was on air"
_REQUEUED = "on air when the service stopped: it airs again in full (B12)"
_DAY_OVER = "its day ended before it could air"


def recover(
    store: Store,
    plan: DayPlan,
    presets: dict[str, Script],
    speaker: Speaker,
    now: Instant,
    measure: Measure | None = None,
) -> Recovery:
    last = store.last_heartbeat()
    for row, _, entry in store.open_asrun():
        end = max(entry.start, min(now, last if last is not None else entry.start))
        store.asrun_ended(row, end, True, _STOPPED)
    day = plan.day.isoformat()
    pages: list[tuple[Page, Instant]] = []
    for record in store.unfinished_pages():
        if record.day != day:
            store.set_page_state(record.id, PageState.SKIPPED.value, now, _DAY_OVER)
            continue
        if record.state == PageState.ON_AIR:
            store.set_page_state(record.id, PageState.QUEUED.value, now, _REQUEUED)
        page = _page(record, speaker, measure, store, now)
        if page is not None:
            pages.append((page, record.requested_at))
    emergencies = []
    for active in store.active_emergencies():
        script = presets.get(active.script_id)
        if script is not None and script.audio is not None:
            call = EmergencyCall(script, script.audio.duration or 0.0, active.started_by)
            emergencies.append(call)
        else:
            log.error("the active emergency %r is no longer a preset", active.script_id)
    cleared = sorted(
        (record.cleared_at, record.script_id)
        for record in store.emergencies(plan.day_start)
        if record.cleared_at is not None and record.cleared_at >= plan.day_start
    )
    aired = tuple(store.asrun(day))
    return Recovery(
        aired, tuple(pages), tuple(emergencies), tuple((ref, at) for at, ref in cleared)
    )


def _page(
    record: PageRecord,
    speaker: Speaker,
    measure: Callable[[Path], object] | None,
    store: Store,
    now: Instant,
) -> Page | None:
    """The page as it was taken; its speech rendered again if the file has gone."""
    audio = Path(record.audio)
    if record.audio and audio.is_file():
        if measure is not None:
            measure(audio)
        track = Track(audio, record.text, record.duration)
        return Page(
            record.id, record.kind, record.text, record.duration, record.urgent,
            record.requested_by, track, record.recorded_by,
        )  # fmt: skip
    try:
        return make_page(
            speaker, request_of(page_in_of(record.request)), record.id,
            urgent=record.urgent, requested_by=record.requested_by, measure=measure,
        )  # fmt: skip
    except PageRefused as refusal:
        store.set_page_state(record.id, PageState.SKIPPED.value, now, refusal.message)
        return None
