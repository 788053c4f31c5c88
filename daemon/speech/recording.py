"""Announcer recordings: an uploaded file decoded to speech audio, or refused with a reason.

A trained announcer records an announcement on a phone (Chrome and Android MediaRecorder
give webm or ogg with Opus, Safari on iPhone gives mp4/m4a with AAC) or at the desk (mp3,
wav, flac) and uploads it. `decode_recording` takes the file's bytes and returns `Audio`:
the first audio stream of any container and codec FFmpeg knows, downmixed to mono (channels
averaged, so a stereo copy of a mono voice keeps its level), resampled to SPEECH_RATE,
clipped to [-1, 1], with leading and trailing silence removed (`Audio.trimmed`). A damaged
packet is skipped and a truncated file gives whatever audio FFmpeg can still decode; either
is then checked like any other recording.

Anything wrong with the upload raises `RecordingRefused`, never a PyAV error. Its `code`
is stable English; its `message` tells the announcer, in Chinese, what to do:

    empty       zero bytes
    too_large   more than MAX_BYTES (checked before decoding)
    not_audio   nothing FFmpeg can read, no audio stream (an image, a silent video), or
                no decodable audio; also a file `decode_recording_file` cannot read
    too_long    over MAX_SECONDS after trimming; decoding stops and refuses as soon as the
                raw audio passes MAX_SECONDS + DECODE_SLACK_SECONDS, so a three-hour upload
                costs no more than a short one
    silent      peak below SILENCE_DB over the whole file (or nothing left after trimming)
    too_short   under MIN_SECONDS after trimming
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np

from daemon.speech.audio import SPEECH_RATE, Audio, Samples

__all__ = [
    "DECODE_SLACK_SECONDS",
    "MAX_BYTES",
    "MAX_SECONDS",
    "MIN_SECONDS",
    "SILENCE_DB",
    "RecordingRefused",
    "decode_recording",
    "decode_recording_file",
]

MIN_SECONDS = 0.5  # after trimming
MAX_SECONDS = 120.0  # after trimming
DECODE_SLACK_SECONDS = 30.0  # raw audio allowed past MAX_SECONDS (silence still to be trimmed)
MAX_BYTES = 30_000_000  # 30 MB, checked before decoding
SILENCE_DB = -50.0  # a recording whose peak stays below this is silent

_FORMATS = "m4a、mp3、wav、ogg、webm"


class RecordingRefused(Exception):
    """An upload that is not a usable recording. `code` is stable English; `message` is for
    the announcer."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


def decode_recording(
    data: bytes, *, name: str = "recording", min_seconds: float = MIN_SECONDS
) -> Audio:
    """The recording in `data` as trimmed speech audio; `name` (the file name) is for messages.

    `min_seconds` is lower for a phrase bank's single words. Raises RecordingRefused.
    """
    if not data:
        raise RecordingRefused("empty", f"「{name}」是空文件(0 字节):请重新录音后再上传。")
    if len(data) > MAX_BYTES:
        raise RecordingRefused(
            "too_large",
            f"「{name}」太大({len(data) / 1e6:.1f} MB,上限 {MAX_BYTES / 1e6:g} MB):"
            f"请只录要广播的内容(不超过 {MAX_SECONDS:g} 秒)再上传。",
        )
    raw = Audio(np.clip(_decode(data, name), -1, 1))
    peak = raw.peak_db()
    audio = raw.trimmed()
    if peak < SILENCE_DB or audio.duration == 0:
        raise RecordingRefused(
            "silent", "录音里听不到声音:请检查麦克风是否打开、是否被静音,靠近一些再录一次。"
        )
    if audio.duration < min_seconds:
        shown = math.floor(audio.duration * 10) / 10
        raise RecordingRefused(
            "too_short", f"录音太短({shown:.1f} 秒):请至少录 {min_seconds:g} 秒。"
        )
    if audio.duration > MAX_SECONDS:
        shown = math.ceil(audio.duration * 10) / 10
        raise RecordingRefused(
            "too_long", f"录音太长({shown:.1f} 秒):请控制在 {MAX_SECONDS:g} 秒以内,分段录制。"
        )
    return audio


def decode_recording_file(path: Path, *, min_seconds: float = MIN_SECONDS) -> Audio:
    """The recording in the file at `path` (see `decode_recording`). Raises RecordingRefused."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)  # enough to refuse "too_large", never the whole file
    except OSError:
        raise RecordingRefused(
            "not_audio", f"读不到文件 {path}:请确认文件存在、是录音文件且有读取权限。"
        ) from None
    return decode_recording(data, name=str(path), min_seconds=min_seconds)


def _decode(data: bytes, name: str) -> Samples:
    """The first audio stream, mono float32 at SPEECH_RATE, untrimmed."""
    limit = round((MAX_SECONDS + DECODE_SLACK_SECONDS) * SPEECH_RATE)
    try:
        container = av.open(io.BytesIO(data), "r", metadata_errors="replace")
    except av.FFmpegError:
        raise RecordingRefused(
            "not_audio", f"「{name}」不是能识别的音频文件:请上传录好的录音(如 {_FORMATS})。"
        ) from None
    chunks: list[Samples] = []
    total = 0
    with container:
        if not container.streams.audio:
            raise RecordingRefused(
                "not_audio", f"「{name}」里没有声音(可能是图片或无声视频):请上传录音文件。"
            )
        stream = container.streams.audio[0]
        if stream.codec_context is None:  # FFmpeg has no decoder for this codec
            raise RecordingRefused(
                "not_audio", f"「{name}」的声音编码无法识别:请换成常见格式(如 {_FORMATS})再上传。"
            )
        resampler: av.AudioResampler | None = None
        source: tuple[str, str, int] | None = None
        for frame in _frames(container, stream):
            key = (frame.format.name, frame.layout.name, frame.sample_rate)
            if resampler is None or key != source:  # the stream changed: start a new resampler
                chunks += _flush(resampler)
                # rematrix_maxval=1: channels are averaged, never summed past full scale
                resampler = av.AudioResampler(
                    format="flt", layout="mono", rate=SPEECH_RATE, options={"rematrix_maxval": "1"}
                )
                source = key
            for out in resampler.resample(frame):
                if out is not None:  # a pass-through resampler flushes None
                    chunks.append(out.to_ndarray()[0])
                    total += out.samples
            if total > limit:
                raise RecordingRefused(
                    "too_long",
                    f"录音太长(超过 {MAX_SECONDS + DECODE_SLACK_SECONDS:g} 秒):"
                    f"请控制在 {MAX_SECONDS:g} 秒以内,分段录制。",
                )
        chunks += _flush(resampler)
    if not chunks:
        raise RecordingRefused(
            "not_audio", f"「{name}」已损坏,读不出声音:请重新录音或重新导出后再上传。"
        )
    return np.concatenate(chunks).astype(np.float32, copy=False)


def _frames(
    container: av.container.InputContainer, stream: av.AudioStream
) -> Iterator[av.AudioFrame]:
    """Every frame FFmpeg can decode: a damaged packet is skipped, a truncated file ends early."""
    try:
        for packet in container.demux(stream):
            try:
                yield from packet.decode()
            except av.FFmpegError:
                continue
    except av.FFmpegError:
        return


def _flush(resampler: av.AudioResampler | None) -> list[Samples]:
    """What `resampler` still holds."""
    if resampler is None:
        return []
    return [out.to_ndarray()[0] for out in resampler.resample(None) if out is not None]
