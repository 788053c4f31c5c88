"""The switchboard console's reference: the greeting for an outside call (S1), the staff
directory (S2, S5), the operator's lines and the departments.

The greeting and the search: any signed-in user (the operator at the desk, and anyone who
answers the phone for them); an entry marked `internal` is shown, marked, for the operator
never to give out. The directory is managed by admins as one CSV file (UTF-8 or GBK, as
Excel on a Chinese PC writes it): `PUT /api/switchboard/directory.csv` replaces it whole, or
answers 422 `bad_rows` with every bad row's `problems` and changes nothing;
`GET /api/switchboard/directory.csv` gives it back (UTF-8 with BOM).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import AfterValidator

from api.deps import Address, Admin, ControlDep, CurrentUser
from api.schemas import (
    DirectoryEntryOut,
    DirectoryImportOut,
    ForeignCallOut,
    GreetingOut,
    check_instant,
    errors,
)
from api.schemas_book import LanguageOut, ReferenceOut

__all__ = ["DIRECTORY_BODY_LIMIT", "router"]

DIRECTORY_BODY_LIMIT = 4 * 1024 * 1024  # the CSV file of a directory

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
    return GreetingOut.model_validate(control.switchboard.greeting(when))


@router.get("/directory", responses=errors(401, 422, 503))
def directory(
    user: CurrentUser,
    control: ControlDep,
    q: Annotated[str, Query(max_length=40, description="a name, zs, zhangsan, 8012, 开票, 英语")],
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> list[DirectoryEntryOut]:
    """People for `q`, the best match first, on duty before off duty (`on_duty` now)."""
    found = control.switchboard.directory(user, q, limit)
    return [DirectoryEntryOut.model_validate(e) for e in found]


@router.get("/reference", responses=errors(401, 503))
def reference(user: CurrentUser, control: ControlDep) -> ReferenceOut:
    """What the console shows beside a call: the operator's lines (transfer, no answer,
    callback, complaint, business secrets), the directory's departments, the languages, the
    complaint deadlines in hours, how many people the directory holds."""
    ref = control.switchboard.reference()
    languages = [LanguageOut(code=code, name=name) for code, name in ref.languages]
    return ReferenceOut(
        lines=ref.lines,
        departments=list(ref.departments),
        languages=languages,
        answer_hours=ref.answer_hours,
        limit_hours=ref.limit_hours,
        people=ref.people,
    )


@router.get("/language", responses=errors(401, 404, 422, 503))
def foreign_call(
    user: CurrentUser,
    control: ControlDep,
    lang: Annotated[str, Query(min_length=1, max_length=20, description="en, 英语, Japanese")],
) -> ForeignCallOut:
    """S5: what to say to a caller in `lang` ("Sorry, I can't speak English, please wait a
    moment.", and in that language where known) and who speaks it, on duty first (404:
    no such language)."""
    return ForeignCallOut.model_validate(control.switchboard.foreign_call(user, lang))


@router.get(
    "/directory.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **errors(401, 403, 503)},
)
def export_directory(user: Admin, control: ControlDep, address: Address) -> Response:
    """The whole directory as CSV, UTF-8 with BOM (admins)."""
    return Response(
        control.switchboard.export_directory(user, address),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="directory.csv"'},
    )


@router.put("/directory.csv", responses=errors(400, 401, 403, 413, 422, 503))
async def import_directory(
    request: Request, user: Admin, control: ControlDep, address: Address
) -> DirectoryImportOut:
    """Replace the directory with the CSV body (admins); 422 `bad_rows` lists every bad
    row and takes nothing."""
    data = await request.body()
    people = await run_in_threadpool(control.switchboard.import_directory, user, data, address)
    return DirectoryImportOut(people=people)
