"""The customer suggestion book (S8): complaints routed to a department, with a deadline
(24 h to answer, 48 h at most) and follow-up notes.

The desk (announcers, supervisors) records complaints and follows every one up; a
department's head (a directory entry of that department with the duty 负责人) follows up
its own; anyone else: 403. The caller's contact is shown to supervisors and the head only
(`contact` null and `contact_hidden` for others), and every showing is in the audit log.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from api.deps import Address, ControlDep, CurrentUser, Desk, Supervisor
from api.schemas import errors
from api.schemas_book import ComplaintIn, ComplaintOut, FollowUpIn, State
from daemon.views import ComplaintIn as Complaint

__all__ = ["router"]

router = APIRouter(prefix="/api/switchboard", tags=["complaints"])

ComplaintId = Annotated[int, Path(ge=1, le=2**62, description="The complaint's number")]


@router.post(
    "/complaints",
    status_code=201,
    responses={200: {"model": ComplaintOut}, **errors(400, 401, 403, 422, 503)},
)
def record_complaint(
    body: ComplaintIn, user: Desk, control: ControlDep, address: Address, response: Response
) -> ComplaintOut:
    """Record a complaint for a department of the directory (422 `unknown_department`); 201,
    or 200 with the first when the same one was recorded again within 2 minutes."""
    complaint = Complaint(body.caller, body.contact, body.what, body.department)
    view, created = control.book.record_complaint(user, complaint, address)
    if not created:
        response.status_code = 200
    return ComplaintOut.model_validate(view)


@router.get("/complaints", responses=errors(401, 403, 422, 503))
def complaints(
    user: CurrentUser,
    control: ControlDep,
    address: Address,
    state: Annotated[State | None, Query()] = None,
    department: Annotated[str | None, Query(max_length=40)] = None,
    open_only: Annotated[bool, Query(alias="open", description="only new and in progress")] = False,
) -> list[ComplaintOut]:
    """The complaints one may follow up, open first, the most overdue first."""
    found = control.book.complaints(user, state, department, open_only, address)
    return [ComplaintOut.model_validate(c) for c in found]


@router.get("/complaints/{complaint_id}", responses=errors(401, 403, 404, 503))
def complaint(
    complaint_id: ComplaintId, user: CurrentUser, control: ControlDep, address: Address
) -> ComplaintOut:
    return ComplaintOut.model_validate(control.book.complaint(user, complaint_id, address))


@router.post(
    "/complaints/{complaint_id}/notes", responses=errors(400, 401, 403, 404, 409, 422, 503)
)
def follow_up(
    complaint_id: ComplaintId,
    body: FollowUpIn,
    user: CurrentUser,
    control: ControlDep,
    address: Address,
) -> ComplaintOut:
    """Add a follow-up note, and move the complaint to `state` if given (409 `bad_move`: a
    move the book does not allow; `moved_meanwhile`: someone else moved it first)."""
    view = control.book.follow_up(user, complaint_id, body.text, body.state, address)
    return ComplaintOut.model_validate(view)


@router.get(
    "/complaints.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **errors(401, 403, 503)},
)
def export_complaints(user: Supervisor, control: ControlDep, address: Address) -> Response:
    """Every complaint and its notes as CSV, UTF-8 with BOM (supervisors)."""
    return Response(
        control.book.export_complaints(user, address),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="complaints.csv"'},
    )
