"""A page request to a Page ready to air: wording (B11), speech, measurement. One way in.

The events file, the CLI and the API all page through here, so a page is worded and
voiced the same way whoever asks. `preview` gives the exact words without rendering.
Both raise `PageRefused` (code, field, Chinese message) when a wording rule is broken.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from daemon.model import Page, Track
from daemon.speech.audio import Audio
from daemon.speech.speaker import Speaker
from daemon.speech.wording import PageRequest, PagingRules, word_page

__all__ = ["Measure", "make_page", "preview"]

Measure = Callable[[Path], object]  # measures a file now, so the audio thread never has to


def preview(request: PageRequest, rules: PagingRules) -> str:
    """The words the page would read (once), or PageRefused."""
    return word_page(request, rules).text


def make_page(
    speaker: Speaker,
    request: PageRequest,
    page_id: str,
    *,
    urgent: bool | None = None,
    requested_by: str = "",
    recording: Audio | None = None,
    recorded_by: str = "",
    measure: Measure | None = None,
) -> Page:
    """The page worded, rendered (or the trained announcer's `recording`, B7) and measured.

    `urgent` defaults to True for a lost child. Raises PageRefused."""
    rendered = speaker.page(request, recording)
    if measure is not None:
        measure(rendered.path)
    return Page(
        page_id,
        request.kind,
        rendered.text,
        rendered.duration,
        request.kind == "lost_child" if urgent is None else urgent,
        requested_by,
        Track(rendered.path, rendered.text, rendered.duration),
        recorded_by if recording is not None else "",
    )
