"""What the phone's paging form offers (B11): the kinds of page, their fields, the honorifics
and places the store's rules accept, and how long each field may be. Anyone who may page."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ControlDep, Pager
from api.schemas import PagingFormOut, errors

__all__ = ["router"]

router = APIRouter(tags=["pages"])


@router.get("/api/paging", responses=errors(401, 403, 503))
def paging_form(user: Pager, control: ControlDep) -> PagingFormOut:
    """The form: each kind with its label and fields (in the order asked), the lists to pick
    from, whether other places may be typed, and each field's most characters."""
    return PagingFormOut.model_validate(control.paging_form())
