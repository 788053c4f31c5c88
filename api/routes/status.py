"""What is on air now and next (B13: the on-air light), and the service's health.

`GET /api/status` is for any signed-in user. `GET /healthz` needs no sign-in (for systemd,
a monitor or a load balancer): 200 `{ok: true}` while audio flows, else 503 with the reason.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import ControlDep, CurrentUser
from api.schemas import HealthOut, StatusOut, errors

__all__ = ["router"]

router = APIRouter(tags=["status"])


@router.get("/api/status", responses=errors(401, 503))
def status(user: CurrentUser, control: ControlDep) -> StatusOut:
    """Now playing, the next 15 minutes, the page queue, the emergency, output and check."""
    return StatusOut.model_validate(control.status())


@router.get(
    "/healthz",
    response_model=HealthOut,
    responses={503: {"model": HealthOut, "description": "Audio is not flowing: the reason"}},
)
def healthz(control: ControlDep) -> JSONResponse:
    """200 `{ok: true, underruns}` while audio flows; 503 `{ok: false, reason, underruns}`
    otherwise. `underruns`: blocks played as silence today because decoding fell behind (a
    monitor may alert on a rising count: the machine is too busy for the audio)."""
    health = control.health()
    if health.ok:
        body: dict[str, object] = {"ok": True, "underruns": health.underruns}
        return JSONResponse(body, headers={"Cache-Control": "no-store"})
    body = {"ok": False, "reason": health.reason or "unknown", "underruns": health.underruns}
    return JSONResponse(body, status_code=503, headers={"Cache-Control": "no-store"})
