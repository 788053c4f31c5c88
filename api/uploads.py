"""Recordings uploaded through the API (B7: pages and scripts in an announcer's own voice):
how large one may be, and reading one from a multipart field without holding more."""

from __future__ import annotations

from fastapi import UploadFile

from api.errors import ApiError, too_large_message

__all__ = ["MAX_RECORDING_BYTES", "RECORDING_BODY_LIMIT", "read_recording"]

MAX_RECORDING_BYTES = 30 * 1024 * 1024
RECORDING_BODY_LIMIT = MAX_RECORDING_BYTES + 64 * 1024  # the file plus the multipart framing


def read_recording(audio: UploadFile) -> tuple[bytes, str]:
    """(the uploaded file's bytes, its name cut to 200 characters); 413 over
    MAX_RECORDING_BYTES."""
    if audio.size is not None and audio.size > MAX_RECORDING_BYTES:
        raise ApiError(413, "too_large", too_large_message(MAX_RECORDING_BYTES))
    data = audio.file.read(MAX_RECORDING_BYTES + 1)
    if len(data) > MAX_RECORDING_BYTES:
        raise ApiError(413, "too_large", too_large_message(MAX_RECORDING_BYTES))
    return data, (audio.filename or "")[:200]
