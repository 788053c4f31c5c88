"""The switchboard console's reference: the greeting for an outside call (S1).

Any signed-in user (the operator at the desk, and anyone who answers the phone for them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AfterValidator

from api.deps import ControlDep, CurrentUser
from api.schemas import GreetingOut, check_instant, errors

__all__ = ["router"]

router = APIRouter(prefix="/api/switchboard", tags=["switchboard"])


@router.get("/greeting", responses=errors(401, 422, 503))
def greeting(
    user: CurrentUser,
    control: ControlDep,
    at: Annotated[
        str | None,
        Query(
            max_length=40,
            description="an ISO time, e.g. 2026-12-01T09:59:59+08:00; without an offset, the "
            "store's wall clock (default: now)",
        ),
        AfterValidator(check_instant),
    ] = None,
) -> GreetingOut:
    """The phrase to answer with ("欧洲村,您早!" before the cut-over, "欧洲村,您好!" from
    it) and when it next changes."""
    when = None if at is None else datetime.fromisoformat(at)
    return GreetingOut.model_validate(control.greeting(when))
