"""The scripts workflow (B6): marketing writes and submits campaign and fixed scripts; a
planner approves (the script is written into the library) or rejects with a reason; nobody
approves their own submission. Reading: marketing, planners and supervisors.

Every change answers the version as it now stands; 409 when it is not in a state that allows
the step (`not_submitted`, `moved_meanwhile` when someone else was first), 422 `bad_script`
with each problem (`problems`: where, expected, found, hint) and nothing stored.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Path, Query, UploadFile
from fastapi.responses import FileResponse

from api.deps import Address, ControlDep, require
from api.schemas import errors
from api.schemas_scripts import PreviewOut, RejectIn, ScriptIn, ScriptVersionOut
from api.uploads import read_recording
from daemon.views import Role, User

__all__ = ["router"]

router = APIRouter(prefix="/api/scripts", tags=["scripts"])

Reader = Annotated[User, Depends(require(Role.MARKETING, Role.PLANNER, Role.SUPERVISOR))]
Author = Annotated[User, Depends(require(Role.MARKETING))]
Planner = Annotated[User, Depends(require(Role.PLANNER))]
VersionId = Annotated[int, Path(ge=1, le=2**62, description="The version's number")]
State = Literal["draft", "submitted", "approved", "rejected", "retired"]
_CHANGE = errors(400, 401, 403, 404, 409, 422, 503)


@router.get("", responses=errors(401, 403, 422, 503))
def versions(
    user: Reader, control: ControlDep, state: Annotated[State | None, Query()] = None
) -> list[ScriptVersionOut]:
    """Every version, the latest change first (`state`: only those)."""
    return [ScriptVersionOut.model_validate(v) for v in control.scripts.versions(user, state)]


@router.get("/{version_id}", responses=errors(401, 403, 404, 503))
def version(version_id: VersionId, user: Reader, control: ControlDep) -> ScriptVersionOut:
    return ScriptVersionOut.model_validate(control.scripts.version(user, version_id))


@router.post("", status_code=201, responses=_CHANGE)
def new_script(
    body: ScriptIn, user: Author, control: ControlDep, address: Address
) -> ScriptVersionOut:
    """A new script, as a draft (409 `id_taken`: the id is in use)."""
    view = control.scripts.save(user, body.fields(), None, address)
    return ScriptVersionOut.model_validate(view)


@router.put("/{version_id}", responses=_CHANGE)
def edit_script(
    version_id: VersionId, body: ScriptIn, user: Author, control: ControlDep, address: Address
) -> ScriptVersionOut:
    """Change a draft or a rejected version (a submitted one goes back to draft); an approved
    one gets a new version, and keeps airing until that is approved."""
    view = control.scripts.save(user, body.fields(), version_id, address)
    return ScriptVersionOut.model_validate(view)


@router.post("/{version_id}/submit", responses=_CHANGE)
def submit(
    version_id: VersionId, user: Author, control: ControlDep, address: Address
) -> ScriptVersionOut:
    return ScriptVersionOut.model_validate(control.scripts.submit(user, version_id, address))


@router.post("/{version_id}/approve", responses=_CHANGE)
def approve(
    version_id: VersionId, user: Planner, control: ControlDep, address: Address
) -> ScriptVersionOut:
    """Approve (403 `own_submission`), which writes the script into the library."""
    return ScriptVersionOut.model_validate(control.scripts.approve(user, version_id, address))


@router.post("/{version_id}/reject", responses=_CHANGE)
def reject(
    version_id: VersionId, body: RejectIn, user: Planner, control: ControlDep, address: Address
) -> ScriptVersionOut:
    view = control.scripts.reject(user, version_id, body.reason, address)
    return ScriptVersionOut.model_validate(view)


@router.post("/{version_id}/retire", responses=_CHANGE)
def retire(
    version_id: VersionId, user: Planner, control: ControlDep, address: Address
) -> ScriptVersionOut:
    """Take an approved script out of the library."""
    return ScriptVersionOut.model_validate(control.scripts.retire(user, version_id, address))


@router.post(
    "/{version_id}/recording",
    responses=errors(400, 401, 403, 404, 409, 413, 422, 503),
    form_limits={"max_files": 4, "max_fields": 100},
)
def record(
    version_id: VersionId,
    audio: Annotated[UploadFile, File(description="The recording (webm, ogg, m4a, mp3, wav)")],
    user: Author,
    control: ControlDep,
    address: Address,
) -> ScriptVersionOut:
    """The trained announcer's own recording (B7, 403 `not_trained` otherwise) airs instead of
    the text's speech, at most 30 MB: an edit of the version (of an approved one, a new
    version). 422 `recording_silent`, `recording_too_short`, ... say what to do."""
    data, filename = read_recording(audio)
    view = control.scripts.record(user, version_id, data, filename, address)
    return ScriptVersionOut.model_validate(view)


@router.get(
    "/{version_id}/recording",
    response_class=FileResponse,
    responses={200: {"content": {"audio/wav": {}}}, **errors(401, 403, 404, 503)},
)
def recording(version_id: VersionId, user: Reader, control: ControlDep) -> FileResponse:
    """The version's recording as it will air (trimmed, a 48 kHz mono WAV); 404 `no_recording`."""
    path = control.scripts.recording(user, version_id)
    return FileResponse(path, media_type="audio/wav", filename=f"recording-{version_id}.wav")


@router.delete("/{version_id}/recording", responses=_CHANGE)
def unrecord(
    version_id: VersionId, user: Author, control: ControlDep, address: Address
) -> ScriptVersionOut:
    """Take the recording off: the text airs in the standard voice (an edit)."""
    return ScriptVersionOut.model_validate(control.scripts.unrecord(user, version_id, address))


@router.get("/{version_id}/preview", responses=errors(401, 403, 404, 422, 503))
def preview(version_id: VersionId, user: Reader, control: ControlDep) -> PreviewOut:
    """Each day of its dates from today (at most 62) simulated with the current schedule and
    the store's typical pages: the plays it asks for and would air, when, and what the other
    campaigns would lose; `warnings` says what the days cannot hold. Reads only."""
    return PreviewOut.model_validate(control.previews.preview(user, version_id))


@router.get(
    "/{version_id}/preview.wav",
    response_class=FileResponse,
    responses={200: {"content": {"audio/wav": {}}}, **errors(401, 403, 404, 409, 422, 503)},
)
def listen(version_id: VersionId, user: Reader, control: ControlDep) -> FileResponse:
    """The break of its first play, with the music either side, as the store would hear it
    (409 `never_airs`: it airs on none of the days)."""
    path = control.previews.listen(user, version_id)
    return FileResponse(path, media_type="audio/wav", filename=f"preview-{version_id}.wav")
