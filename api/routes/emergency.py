"""Emergencies: the approved presets, start one, clear it, and what is on now.

Announcers and supervisors only. An emergency cuts in at once and repeats until cleared; a
clear lets the message on air finish (B12). Starting answers 202: the playing side has taken
the command and the alarm is going out; `GET /api/emergency` follows it.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import JSON_ONLY, Address, ControlDep, Desk
from api.schemas import EmergencyIn, EmergencyOut, PresetOut, errors
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
    responses=errors(400, 401, 403, 404, 409, 413, 415, 422, 503),
)
def start(body: EmergencyIn, user: Desk, control: ControlDep, address: Address) -> EmergencyOut:
    """Start the emergency preset `script` now (404 when there is no such approved preset)."""
    return emergency_out(control.start_emergency(user, body.script, address))


@router.post("/clear", responses=errors(401, 403, 409, 503))
def clear(user: Desk, control: ControlDep, address: Address) -> EmergencyOut:
    """Clear the emergency: the message on air finishes, then the music goes on (409: none)."""
    return emergency_out(control.clear_emergency(user, address))


@router.get("", responses=errors(401, 403, 503))
def current(user: Desk, control: ControlDep) -> EmergencyOut:
    """The emergency now (or the last one, cleared), from the status."""
    return emergency_out(control.status().emergency)
