"""The as-run log of a day: what aired, from when to when, and why (any signed-in user)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AfterValidator

from api.deps import ControlDep, CurrentUser
from api.schemas import DATE_PATTERN, TimelineOut, check_date, errors

__all__ = ["router"]

router = APIRouter(tags=["status"])


@router.get("/api/timeline", responses=errors(401, 422, 503))
def timeline(
    user: CurrentUser,
    control: ControlDep,
    date: Annotated[
        str | None,
        Query(pattern=DATE_PATTERN, description="YYYY-MM-DD (default: today)"),
        AfterValidator(check_date),
    ] = None,
) -> TimelineOut:
    """`{date, entries}`: one entry per item, as in the timeline's JSON lines."""
    day = date if date is not None else control.status().day
    return TimelineOut(date=day, entries=control.timeline(day))
