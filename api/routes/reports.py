"""Proof of play (issue 13): when and how often each campaign aired, per day, from the
as-run log: as JSON, or as CSV for the tenant a campaign was sold to.

Marketing, planners and supervisors; anyone else: 403. A malformed day, a range backwards
or over 366 days, an unknown campaign: 422 naming the field (`from`, `to`, `campaign`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from api.deps import ControlDep, require
from api.schemas import errors
from api.schemas_reports import PlaysReportOut
from daemon.views import Role, User

__all__ = ["REPORT_ROLES", "router"]

router = APIRouter(prefix="/api/reports", tags=["reports"])

REPORT_ROLES = (Role.MARKETING, Role.PLANNER, Role.SUPERVISOR)  # the control says the same
Reader = Annotated[User, Depends(require(*REPORT_ROLES))]


@router.get(
    "/plays",
    response_model=PlaysReportOut,
    responses={200: {"content": {"text/csv": {}}}, **errors(401, 403, 422, 503)},
)
def plays(
    user: Reader,
    control: ControlDep,
    first: Annotated[
        str | None,
        Query(alias="from", description="the first day, YYYY-MM-DD (default: 6 days before `to`)"),
    ] = None,
    last: Annotated[
        str | None, Query(alias="to", description="the last day, included (default: today)")
    ] = None,
    campaign: Annotated[
        str | None, Query(description="a campaign's id (default: every one that aired)")
    ] = None,
    as_: Annotated[
        Literal["json", "csv"], Query(alias="format", description="csv: a file to download")
    ] = "json",
) -> PlaysReportOut | Response:
    """Per campaign and day: plays in full, plays cut by an emergency, other cuts (the
    service stopped, a bad file), and when each aired; every airing with its start and end.
    `format=csv`: one row per campaign per day, UTF-8 with BOM (for Excel on a Chinese PC)."""
    if as_ == "csv":
        file = control.reports.export_plays(user, first, last, campaign)
        return Response(
            file.data,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{file.filename}"'},
        )
    return PlaysReportOut.model_validate(control.reports.plays(user, first, last, campaign))
