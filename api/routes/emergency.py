"""Emergencies: the approved presets, start one, clear it, and what is on now.

Announcers and supervisors only. An emergency cuts in at once and repeats until cleared; a
clear lets the message on air finish (B12). Presets carry a priority: one started while a
lower one is on air preempts it (that one resumes after it, if not cleared); one started
while one of its priority or higher is on air waits, and the answer says so (`state`
"waiting", `behind`). Starting answers 202: the playing side has taken the command;
`GET /api/emergency` follows it, `GET /api/status` lists every active one.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import JSON_ONLY, Address, ControlDep, Desk
from api.schemas import ClearIn, EmergencyIn, EmergencyOut, PresetOut, errors
from daemon.views import EmergencyView

__all__ = ["emergency_out", "router"]

router = APIRouter(prefix="/api/emergency", tags=["emergency"])


def emergency_out(view: EmergencyView) -> EmergencyOut:
    return EmergencyOut.model_validate(view)


@router.get("/presets", responses=errors(401, 403, 503))
def presets(user: Desk, control: ControlDep) -> list[PresetOut]:
    """The approved emergency scripts (B6), each with how often it repeats."""
    return [PresetOut.model_validate(p) for p in control.presets()]


@router.post(
    "",
    status_code=202,
    dependencies=JSON_ONLY,
    responses={
        200: {"model": EmergencyOut, "description": "It was on already: nothing changed"},
        **errors(400, 401, 403, 404, 409, 413, 415, 422, 503),
    },
)
def start(
    body: EmergencyIn, user: Desk, control: ControlDep, address: Address, response: Response
) -> EmergencyOut:
    """Start the emergency preset `script` now: 202 (200 when it was on already, pressed
    twice or retried: nothing changes); 404 when there is no such approved preset."""
    view, started = control.start_emergency(user, body.script, address)
    response.status_code = 202 if started else 200
    return emergency_out(view)


@router.post(
    "/clear", dependencies=JSON_ONLY, responses=errors(400, 401, 403, 409, 413, 415, 422, 503)
)
def clear(
    user: Desk, control: ControlDep, address: Address, body: ClearIn | None = None
) -> EmergencyOut:
    """Clear the emergency `script` (it may be left out when only one is active): the item
    on air finishes, then the next active emergency airs, or the all-clear and the music.
    409: none is active (`no_emergency`), that one is not (`not_active`), or several are
    and the body names none (`which_emergency`)."""
    script = None if body is None else body.script
    return emergency_out(control.clear_emergency(user, script, address))


@router.get("", responses=errors(401, 403, 503))
def current(user: Desk, control: ControlDep) -> EmergencyOut:
    """The emergency on air (or the day's last one, cleared), from the status."""
    return emergency_out(control.status().emergency)
