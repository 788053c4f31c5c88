"""Paging people (B11): preview the words, submit, follow, cancel, and record one's own voice.

Staff, announcers and supervisors may page. The control words every page from a template and
refuses what breaks the rules (422 with the field and a Chinese message saying what to
change). `POST /api/pages` answers 202 and `Location`; a retry (same `Idempotency-Key`, or the
same page by the same person within two minutes) answers 200 with the first page. A page on
air cannot be cancelled: it finishes (B12, 409). Only a trained announcer's own recording may
air instead of the standard voice (B7): the role is checked here, `trained` by the control.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Header, Path, Query, Response, UploadFile
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, ValidationError

from api.deps import JSON_ONLY, Address, ControlDep, Pager, Recorder
from api.schemas import DATE_PATTERN, PageOut, PageRequest, PreviewOut, check_date, errors
from api.uploads import read_recording
from daemon.views import PageIn, PageState, PageView, RecordingIn

__all__ = [
    "IDEMPOTENCY_PATTERN",
    "page_out",
    "router",
]

router = APIRouter(prefix="/api/pages", tags=["pages"])

IDEMPOTENCY_PATTERN = r"^[!-~](?:[ -~]{0,98}[!-~])?$"  # 1-100 printable ASCII characters

PageId = Annotated[str, Path(min_length=1, max_length=100, description="The page's id")]
IdempotencyKey = Annotated[
    str | None,
    Header(
        pattern=IDEMPOTENCY_PATTERN,
        description="1-100 printable ASCII characters; a retry with the same key is not a new page",
    ),
]
DayQuery = Annotated[
    str | None,
    Query(pattern=DATE_PATTERN, description="YYYY-MM-DD (default: today)"),
    AfterValidator(check_date),
]

_READ = errors(401, 403, 404, 503)


def page_out(view: PageView) -> PageOut:
    return PageOut.model_validate(view)


def _page_in(body: PageRequest) -> PageIn:
    return PageIn(**body.model_dump())


@router.post(
    "/preview", dependencies=JSON_ONLY, responses=errors(400, 401, 403, 413, 415, 422, 503)
)
def preview(body: PageRequest, user: Pager, control: ControlDep) -> PreviewOut:
    """The exact words that would be read, or 422 saying what to change."""
    text = control.preview_page(user, _page_in(body))
    return PreviewOut(text=text, closed=control.paging_closed())


@router.post(
    "",
    status_code=202,
    dependencies=JSON_ONLY,
    responses={
        200: {"model": PageOut, "description": "A retry: the page taken the first time"},
        **errors(400, 401, 403, 409, 413, 415, 422, 429, 503),
    },
)
def submit(
    body: PageRequest,
    user: Pager,
    control: ControlDep,
    address: Address,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> PageOut:
    """Take a page: 202 and `Location` (200 for a retry); 429 `Retry-After` when too fast."""
    page, created = control.submit_page(user, _page_in(body), address, idempotency_key)
    return _taken(response, page, created)


@router.post(
    "/recorded",
    status_code=202,
    responses={
        200: {"model": PageOut, "description": "A retry: the page taken the first time"},
        **errors(400, 401, 403, 409, 413, 422, 429, 503),
    },
    form_limits={"max_files": 4, "max_fields": 100},
)
def submit_recorded(
    page: Annotated[str, Form(max_length=4096, description="The page, as JSON (PageRequest)")],
    audio: Annotated[UploadFile, File(description="The recording (webm, ogg, m4a, mp3, wav)")],
    user: Recorder,
    control: ControlDep,
    address: Address,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> PageOut:
    """Take a page read in the trained announcer's own voice (B7), from the start: nothing
    airs in the standard voice first. Otherwise as `POST /api/pages`."""
    try:
        body = PageRequest.model_validate_json(page)
    except ValidationError as invalid:
        raise RequestValidationError(
            [{**e, "loc": ("body", "page", *e["loc"])} for e in invalid.errors()]
        ) from None
    recording = RecordingIn(*read_recording(audio))
    taken, created = control.submit_page(user, _page_in(body), address, idempotency_key, recording)
    return _taken(response, taken, created)


@router.get("", responses=errors(401, 403, 422, 503))
def list_pages(
    user: Pager,
    control: ControlDep,
    state: Annotated[PageState | None, Query(description="Only pages in this state")] = None,
    date: DayQuery = None,
) -> list[PageOut]:
    """The day's pages: one's own, or every page for the service desk."""
    return [page_out(p) for p in control.pages(user, state.value if state else None, date)]


@router.get("/{page_id}", responses=_READ)
def get_page(page_id: PageId, user: Pager, control: ControlDep) -> PageOut:
    """One page: its state, place in the queue and when it should air."""
    return page_out(control.page(user, page_id))


@router.delete("/{page_id}", responses=errors(401, 403, 404, 409, 503))
def cancel_page(page_id: PageId, user: Pager, control: ControlDep, address: Address) -> PageOut:
    """Cancel a queued page; 409 once it is on air (it finishes, B12) or has aired."""
    return page_out(control.cancel_page(user, page_id, address))


@router.post(
    "/{page_id}/recording",
    responses=errors(400, 401, 403, 404, 409, 413, 422, 503),
    form_limits={"max_files": 4, "max_fields": 100},
)
def record_page(
    page_id: PageId,
    audio: Annotated[UploadFile, File(description="The recording (webm, ogg, m4a, mp3, wav)")],
    user: Recorder,
    control: ControlDep,
    address: Address,
) -> PageOut:
    """Air the trained announcer's own recording of this page (B7), at most 30 MB."""
    data, filename = read_recording(audio)
    return page_out(control.record_page(user, page_id, data, filename, address))


def _taken(response: Response, page: PageView, created: bool) -> PageOut:
    """202 for a page taken now, 200 for a retry of one taken before; `Location` either way."""
    response.status_code = 202 if created else 200
    response.headers["Location"] = f"/api/pages/{quote(page.id, safe='')}"
    return page_out(page)
