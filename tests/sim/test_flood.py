"""No starvation, no silent loss (issue 12, item 5): a page every 5 s all day long. Fixed
slots and the closing song keep their place, pages past the day's capacity are refused at
the door with a reason, nothing airs near midnight, and every page sent is accounted for."""

from __future__ import annotations

from daemon.drivers.simulate import simulate
from daemon.model import ItemKind, Source
from daemon.policy import MAX_PAGE_WAIT, QUEUE_FULL
from tests.factory import PlanSpec, fixed_script, make_plan, page
from tests.invariants import violations


def test_a_flood_of_pages_starves_nothing_and_loses_nothing() -> None:
    hourly = fixed_script("hourly", [f"{hour}:00" for hour in range(11, 22)])
    plan = make_plan(PlanSpec(fixed=[(hourly, 8.0)]))
    flood = [page(plan, plan.opening + i * 5.0) for i in range(12 * 3600 // 5)]
    timeline = simulate(plan, flood)
    assert violations(plan, timeline, flood) == []  # every page aired or logged, among others
    aired = [e for e in timeline if e.kind is ItemKind.ANNOUNCEMENT]
    assert [e.ref for e in aired if e.source is Source.FIXED] == ["hourly"] * 11
    assert all(e.start - (e.due_at or 0) < 300 for e in aired if e.source is Source.FIXED)
    pages = [e for e in aired if e.source is Source.PAGE]
    refused = [e for e in timeline if e.kind is ItemKind.SKIPPED and e.source is Source.PAGE]
    assert len(pages) + len(refused) == len(flood)
    assert all(e.reason.startswith(QUEUE_FULL) for e in refused)
    assert all(e.start - (e.requested_at or 0) <= MAX_PAGE_WAIT + 300 for e in pages)
    assert any(e.source is Source.CLOSING_SONG for e in timeline)
    assert max(e.end for e in timeline) < plan.closing + 1800  # nothing near midnight
