"""The message pad (S3): the desk takes a message for someone whose extension did not
answer; that person sees it on their phone page until they mark it read.

Taking and listing every message: the desk (announcers, supervisors). Anyone signed in
reads their own: the messages for the directory entry that bears their account's name.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from api.deps import Address, ControlDep, CurrentUser, Desk
from api.schemas import errors
from api.schemas_book import MessageIn, MessageOut
from daemon.views import MessageIn as Message

__all__ = ["router"]

router = APIRouter(tags=["messages"])

MessageId = Annotated[int, Path(ge=1, le=2**62, description="The message's number")]


@router.post(
    "/api/switchboard/messages",
    status_code=201,
    responses={200: {"model": MessageOut}, **errors(400, 401, 403, 404, 422, 503)},
)
def take_message(
    body: MessageIn, user: Desk, control: ControlDep, address: Address, response: Response
) -> MessageOut:
    """Take a message for a directory entry (`to`: its id; 404 `no_person`); 201, or 200 with
    the first one when the same message was taken again within 2 minutes."""
    message = Message(body.to, body.caller, body.number, body.text)
    view, created = control.book.take_message(user, message, address)
    if not created:
        response.status_code = 200
    return MessageOut.model_validate(view)


@router.get("/api/switchboard/messages", responses=errors(401, 403, 503))
def desk_messages(
    user: Desk, control: ControlDep, unread: Annotated[bool, Query()] = False
) -> list[MessageOut]:
    """Every unread message and the last day's, newest first, each with how long it has
    waited unread (`unread=true`: only the unread)."""
    return [MessageOut.model_validate(m) for m in control.book.desk_messages(unread)]


@router.get("/api/messages", responses=errors(401, 503))
def my_messages(user: CurrentUser, control: ControlDep) -> list[MessageOut]:
    """The signed-in person's messages: every unread one, then the last week's read ones."""
    return [MessageOut.model_validate(m) for m in control.book.my_messages(user)]


@router.post("/api/messages/{message_id}/read", responses=errors(401, 404, 503))
def read_message(message_id: MessageId, user: CurrentUser, control: ControlDep) -> MessageOut:
    """Mark one of one's messages read (404 for anyone else's)."""
    return MessageOut.model_validate(control.book.read_message(user, message_id))
