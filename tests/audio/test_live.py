"""The live driver, driven block by block from the test: commands from another thread take
effect within one device period, and the timeline file is written as items leave the air."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from pathlib import Path

from daemon.audio.format import RATE, frames
from daemon.audio.levels import AudioSettings
from daemon.audio.sinks import FakeSink, Pull, checked
from daemon.catalog.media import MediaCache
from daemon.drivers.live import Live
from daemon.drivers.simulate import simulate
from daemon.model import Clear, EmergencyCall, Item, ItemKind, Page
from daemon.timeline import window
from tests.audio.test_render import SPEC
from tests.audio.tones import ToneStore
from tests.factory import at, emergency_script

PERIOD = 480  # 10 ms, as the sound card asks


class GatedSink:
    """A device stand-in: plays one period each time the test opens the gate."""

    name, realtime, warning = "gated", True, ""

    def __init__(self) -> None:
        self.frames = 0
        self._gate = threading.Semaphore(0)
        self._played = threading.Semaphore(0)
        self._stopped = False

    def play(self, pull: Pull) -> int:
        while True:
            self._gate.acquire()
            if self._stopped:
                return self.frames
            block = checked(pull(PERIOD), PERIOD)
            self.frames += len(block)
            self._played.release()
            if len(block) < PERIOD:
                return self.frames

    def periods(self, count: int) -> None:
        """Let `count` periods play, and wait until they have."""
        for _ in range(count):
            self._gate.release()
            self._played.acquire()

    def stop(self) -> None:
        self._stopped = True
        self._gate.release()

    def close(self) -> None:
        pass


def started(live: Live) -> list[tuple[Item, int]]:
    seen: list[tuple[Item, int]] = []
    live.program.listeners.append(lambda item, frame: seen.append((item, frame)))
    return seen


def test_an_emergency_from_another_thread_airs_within_one_period_plus_the_fade(
    tmp_path: Path,
) -> None:
    store = ToneStore(tmp_path, SPEC)
    plan = store.plan
    sink = GatedSink()
    live = Live(plan, sink, AudioSettings(), MediaCache(None).analysis, start=at(plan, "15:00:05"))
    seen = started(live)
    player = threading.Thread(target=live.run)
    player.start()
    sink.periods(150)  # 1.5 s of music
    asked_at = sink.frames
    fire = replace(emergency_script(), audio=store.speech("fire", 1.0))
    live.submit(EmergencyCall(fire, 1.0))  # from this thread, between two periods
    sink.periods(10)
    alert = [frame for item, frame in seen if item.kind is ItemKind.EMERGENCY]
    assert alert and alert[0] - asked_at <= PERIOD + frames(plan.emergency_fade)
    sink.periods(70)  # the alert tone (0.5 s) is over, the message is on
    live.submit(Clear())
    sink.periods(300)  # the message finishes, the music comes back
    assert seen[-1][0].kind is ItemKind.MUSIC
    sink.stop()
    player.join()
    kinds = [e.kind for e in live.timeline]
    assert ItemKind.EMERGENCY in kinds and kinds.count(ItemKind.EMERGENCY) == 2  # tone, message


def test_a_page_waits_for_the_song_boundary_and_the_timeline_file_follows_the_air(
    tmp_path: Path,
) -> None:
    store = ToneStore(tmp_path, SPEC)
    plan = store.plan
    log = tmp_path / "timeline.jsonl"
    sink = FakeSink(block=PERIOD, keep=False)
    start, until = at(plan, "15:00:00"), at(plan, "15:01:30")
    live = Live(plan, sink, AudioSettings(), MediaCache(None).analysis, log, start=start)
    audio = store.speech("page", 2.0)
    live.submit(Page("p1", "customer", "来宾张先生,请到一楼服务台", 2.0, audio=audio))
    assert live.run(until) == round((until - start) * RATE)
    page = next(e for e in live.timeline if e.kind is ItemKind.ANNOUNCEMENT)
    assert page.ref == "p1" and page.start > (page.requested_at or 0)  # at a boundary
    written = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [w["ref"] for w in written] == [e.ref for e in live.timeline]
    assert written[-1]["end"] <= "2026-11-23T15:01:30.000+08:00"


def test_live_airs_what_the_simulation_predicts(tmp_path: Path) -> None:
    store = ToneStore(tmp_path, SPEC)
    plan = store.plan
    start, until = at(plan, "15:00:00"), at(plan, "15:02:00")
    sink = FakeSink(block=PERIOD)
    live = Live(plan, sink, AudioSettings(), MediaCache(None).analysis, start=start)
    live.run(until)
    predicted = [e for e in window(simulate(plan), start, until) if e.end < until]
    assert live.timeline[: len(predicted)] == predicted
    assert len(sink.audio()) == round((until - start) * RATE)


def test_the_next_file_is_opened_ahead_and_taken_at_the_boundary(tmp_path: Path) -> None:
    store = ToneStore(tmp_path, SPEC)
    plan = store.plan
    sink = GatedSink()
    live = Live(plan, sink, AudioSettings(), MediaCache(None).analysis, start=plan.opening)
    seen = started(live)
    preloader = live.program.preloader
    assert preloader is not None
    player = threading.Thread(target=live.run)
    player.start()
    opening = 8.0  # the opening song; then the first song of the playlist
    sink.periods(round((opening - 3.5) * 100))
    assert not preloader.ready.is_set()  # not yet about to finish
    sink.periods(100)
    assert preloader.ready.wait(10)  # the preloader thread has opened the next file
    sink.periods(300)  # past the boundary
    sink.stop()
    player.join()
    assert [item.kind for item, _ in seen[:2]] == [ItemKind.MUSIC, ItemKind.MUSIC]
    assert (preloader.hits, preloader.misses) == (1, 1)  # the opening song was not preloaded
