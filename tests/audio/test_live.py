"""The live driver, driven block by block from the test: commands from another thread take
effect within one device period, and the timeline file is written as items leave the air."""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from daemon.audio.child_feed import ChildFeeder
from daemon.audio.decode import Decoder
from daemon.audio.feed import Feeder
from daemon.audio.format import RATE, Block, frames
from daemon.audio.levels import AudioSettings
from daemon.audio.sinks import FakeSink, Pull, checked
from daemon.catalog.media import MediaCache
from daemon.drivers import live as live_module
from daemon.drivers import program
from daemon.drivers.forecast import Forecast, forecast
from daemon.drivers.live import Live
from daemon.drivers.playout import Playout
from daemon.drivers.preload import Preloader
from daemon.events import PageChanged
from daemon.model import Cancel, Clear, EmergencyCall, ItemKind, Page, Recovery
from daemon.timeline import JsonlFile
from tests.audio.test_feed import helper_scheduling, scheduling
from tests.audio.test_render import SPEC
from tests.audio.tones import ToneStore, write_tone
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


def test_an_emergency_from_another_thread_airs_within_one_period_plus_the_fade(
    tmp_path: Path,
) -> None:
    store = ToneStore(tmp_path, SPEC)
    plan = store.plan
    sink = GatedSink()
    live = Live(plan, sink, AudioSettings(), MediaCache(None).analysis, start=at(plan, "15:00:05"))
    player = threading.Thread(target=live.run)
    player.start()
    sink.periods(150)  # 1.5 s of music
    asked_at = sink.frames
    fire = replace(emergency_script(), audio=store.speech("fire", 1.0))
    ticket = live.submit(EmergencyCall(fire, 1.0))  # from this thread, between two periods
    sink.periods(10)
    on_air = live.playout.item
    assert on_air is not None and on_air.kind is ItemKind.EMERGENCY
    assert live.program.frame(live.playout.started) - asked_at <= PERIOD + frames(
        plan.emergency_fade
    )
    applied = ticket.wait(10)
    assert applied is not None and applied.accepted
    assert live.program.frame(applied.at) - asked_at <= PERIOD
    sink.periods(70)  # the alert tone (0.5 s) is over, the message is on
    live.submit(Clear())
    sink.periods(300)  # the message finishes, the music comes back
    assert live.playout.item is not None and live.playout.item.kind is ItemKind.MUSIC
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
    live = Live(plan, sink, AudioSettings(), MediaCache(None).analysis, start=start)
    live.subscribe(JsonlFile(log, plan.zone))
    changes: list[PageChanged] = []
    live.subscribe(lambda e: changes.append(e) if isinstance(e, PageChanged) else None)
    audio = store.speech("page", 2.0)
    live.submit(Page("p1", "customer", "来宾张先生,请到一楼服务台", 2.0, audio=audio))
    assert live.run(until) == round((until - start) * RATE)
    page = next(e for e in live.timeline if e.kind is ItemKind.ANNOUNCEMENT)
    assert page.ref == "p1" and page.start > (page.requested_at or 0)  # at a boundary
    written = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [w["ref"] for w in written] == [e.ref for e in live.timeline]
    assert written[-1]["end"] <= "2026-11-23T15:01:30.000+08:00"
    assert [c.state for c in changes] == ["queued", "on_air", "aired"]


def test_a_forecast_that_fails_costs_the_desk_a_forecast_never_the_events_or_the_tickets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    store = ToneStore(tmp_path, SPEC)
    plan = store.plan
    calls = []

    def failing(playout: Playout) -> Forecast:
        calls.append(playout)
        if len(calls) in (2, 3):  # a defect, on two batches
            raise RuntimeError("a defect in the forecast")
        return forecast(playout)

    monkeypatch.setattr(live_module, "forecast", failing)
    sink = FakeSink(block=PERIOD, keep=False)
    start, until = at(plan, "15:00:00"), at(plan, "15:01:30")
    live = Live(plan, sink, AudioSettings(), MediaCache(None).analysis, start=start)
    changes: list[str] = []
    live.subscribe(lambda e: changes.append(e.state) if isinstance(e, PageChanged) else None)
    page = Page("p1", "customer", "来宾张先生,请到一楼服务台", 2.0, audio=store.speech("p", 2.0))
    ticket = live.submit(page)
    with caplog.at_level(logging.ERROR, logger="mall-pa"):
        live.run(until)
    applied = ticket.wait(0)
    assert applied is not None and applied.accepted
    assert changes == ["queued", "on_air", "aired"]
    assert len(calls) > 3 and live.forecast.now > start  # the forecasts went on after it
    failed = [r for r in caplog.records if "the forecast could not follow" in r.getMessage()]
    assert len(failed) == 2


def test_the_follower_runs_at_the_helpers_priority(tmp_path: Path) -> None:
    """Its forecasts hold the GIL the device's thread waits for (realtime.py); the events it
    hands to subscribers are handed on that thread."""
    store = ToneStore(tmp_path, SPEC)
    plan = store.plan
    sink = FakeSink(block=PERIOD, keep=False)
    start = at(plan, "15:00:00")
    live = Live(plan, sink, AudioSettings(), MediaCache(None).analysis, start=start)
    seen: set[tuple[int, int]] = set()
    live.subscribe(lambda event: seen.add(scheduling(threading.current_thread())))
    live.run(at(plan, "15:00:30"))
    assert seen == {helper_scheduling()}


def test_live_airs_what_the_engine_restored_at_the_same_instant_predicts(tmp_path: Path) -> None:
    store = ToneStore(tmp_path, SPEC)
    plan = store.plan
    start, until = at(plan, "15:00:00"), at(plan, "15:02:00")
    sink = FakeSink(block=PERIOD)
    live = Live(plan, sink, AudioSettings(), MediaCache(None).analysis, start=start)
    live.run(until)
    twin = Playout(plan, start=start, recovery=Recovery())
    twin.run_until(until)
    predicted = [e for e in twin.timeline if e.end < until]
    assert predicted and live.timeline[: len(predicted)] == predicted
    assert len(sink.audio()) == round((until - start) * RATE)


class Asking:
    """A real-time sink asking for `sizes` frames in turn, each once the item on air is
    decoded that far ahead (a device never waits; the test must not underrun)."""

    name, realtime, warning = "asking", True, ""

    def __init__(self, sizes: list[int]) -> None:
        self.sizes, self.frames = sizes, 0
        self.live: Live | None = None
        self.blocks: list[Block] = []

    def play(self, pull: Pull) -> int:
        assert self.live is not None
        for size in self.sizes:
            assert self.live.program.mixer.wait(size, 10)
            self.blocks.append(checked(pull(size), size).copy())
            self.frames += size
        return self.frames

    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_a_device_asking_more_than_a_ring_view_holds_gets_the_same_audio(tmp_path: Path) -> None:
    """Views of a feed's ring stay valid for GUARD frames: a device asking far more at once
    (a sound card with long periods) gets exactly what one asking every 10 ms gets."""
    store = ToneStore(tmp_path, SPEC)
    start = at(store.plan, "15:00:00")
    heard = []
    for sizes in ([PERIOD] * 500, [20_000] * 12):
        sink = Asking(sizes)
        live = Live(store.plan, sink, AudioSettings(), MediaCache(None).analysis, start=start)
        sink.live = live
        live.run()
        heard.append(np.concatenate(sink.blocks))
        assert live.underruns == 0
    np.testing.assert_array_equal(heard[1][: len(heard[0])], heard[0])
    assert heard[0].any()


def test_the_forecast_places_a_page_before_the_ticket_is_answered(tmp_path: Path) -> None:
    store = ToneStore(tmp_path, SPEC)
    plan = store.plan
    sink = GatedSink()
    live = Live(plan, sink, AudioSettings(), MediaCache(None).analysis, start=at(plan, "15:00"))
    player = threading.Thread(target=live.run)
    player.start()
    sink.periods(5)
    audio = store.speech("page", 2.0)
    ticket = live.submit(Page("p1", "customer", "来宾张先生,请到一楼服务台", 2.0, audio=audio))
    sink.periods(1)
    applied = ticket.wait(10)
    assert applied is not None and applied.accepted
    place = live.forecast.pages["p1"]
    song = live.playout.item
    assert song is not None and song.kind is ItemKind.MUSIC
    assert place.position == 1 and place.after == "the current song"
    intro = plan.intro.duration or 0.0
    assert place.starts == pytest.approx((live.playout.ends or 0.0) + intro)
    cancel = live.submit(Cancel("p1"))
    sink.periods(1)
    answer = cancel.wait(10)
    assert answer is not None and answer.accepted
    assert "p1" not in live.forecast.pages
    sink.stop()
    player.join()
    assert not any(e.kind is ItemKind.ANNOUNCEMENT for e in live.timeline)


def test_the_next_file_is_opened_ahead_and_taken_at_the_boundary(tmp_path: Path) -> None:
    store = ToneStore(tmp_path, SPEC)
    plan = store.plan
    sink = GatedSink()
    live = Live(plan, sink, AudioSettings(), MediaCache(None).analysis, start=plan.opening)
    preloader = live.preloader
    player = threading.Thread(target=live.run)
    player.start()
    sink.periods(10)
    assert preloader.ready.wait(10)  # the follower had the preloader open the next file
    opening = 8.0  # the opening song; then the first song of the playlist
    sink.periods(round(opening * 100) + 100)  # past the boundary
    sink.stop()
    player.join()
    kinds = [e.kind for e in live.timeline]
    assert kinds[:2] == [ItemKind.MUSIC, ItemKind.MUSIC]
    assert (preloader.hits, preloader.misses) == (1, 1)  # the opening song was not preloaded


def test_the_alert_tone_is_always_open_however_often_an_emergency_starts(tmp_path: Path) -> None:
    alert = write_tone(tmp_path / "alert.wav", 0.5, 1000.0)
    feeder = Feeder()
    preloader = Preloader(feeder)
    try:
        preloader.standby(alert.path)
        for _ in range(3):
            assert preloader.standing_by.wait(10)
            feed = preloader.open(alert.path, 0)  # taken: a new one is opened behind it
            assert feed.wait(480, 10)  # the decode thread has its first frames
            assert np.abs(feed.read(480)).max() > 0.05  # the tone, not an underrun's silence
            feed.close()
        assert (preloader.hits, preloader.misses) == (3, 0)
        preloader.open(alert.path, 4800).close()  # not from the start: opened now
        assert preloader.misses == 1
        assert feeder.underruns == 0
    finally:
        preloader.close()
        feeder.close()


def test_a_forecast_of_a_standby_file_opens_no_second_feed(tmp_path: Path) -> None:
    """The follower prepares the alert tone when the forecast names it (an emergency was
    just applied): the standby feed, decoded ahead all along, is the one that airs."""
    alert = write_tone(tmp_path / "alert.wav", 0.5, 1000.0)
    feeder = Feeder()
    preloader = Preloader(feeder)
    try:
        preloader.standby(alert.path)
        preloader.prepare(alert.path)
        assert not preloader.ready.is_set()  # nothing opened: the standby covers it
        preloader.open(alert.path, 0).close()
        assert (preloader.hits, preloader.misses) == (1, 0)
    finally:
        preloader.close()
        feeder.close()


def test_the_audio_thread_never_decodes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On air no Decoder call (opening, seeking, decoding) is made in the service's process
    at all, let alone on the thread that the sink calls pull from: the decode process does
    them all, across song changes, a page and an emergency."""
    calls: list[tuple[str, str]] = []  # (what, thread name)
    real_init, real_read = Decoder.__init__, Decoder.read_into

    def init(self: Decoder, path: Path, start_frame: int = 0, loop: bool = False) -> None:
        calls.append(("open", threading.current_thread().name))
        real_init(self, path, start_frame, loop)

    def read_into(self: Decoder, out: Block) -> int:
        calls.append(("decode", threading.current_thread().name))
        return real_read(self, out)

    monkeypatch.setattr(Decoder, "__init__", init)
    monkeypatch.setattr(Decoder, "read_into", read_into)
    store = ToneStore(tmp_path, SPEC)
    plan = store.plan
    media = MediaCache(None)
    for track in [t for p in plan.dayparts for t in p.tracks] + [plan.intro, plan.outro]:
        media.analysis(track.path)  # measured here, as the day plan does: not on air
    calls.clear()
    sink = GatedSink()
    live = Live(plan, sink, AudioSettings(bed_db=-18.0), media.known, start=at(plan, "15:00:15"))
    player = threading.Thread(target=live.run, name="player")
    player.start()
    sink.periods(600)  # into the second song
    live.submit(Page("p1", "customer", "来宾张先生", 2.0, audio=store.speech("page", 2.0)))
    sink.periods(600)
    fire = replace(emergency_script(), audio=store.speech("fire", 1.0))
    live.submit(EmergencyCall(fire, 1.0))
    sink.periods(300)
    sink.stop()
    player.join()
    kinds = {e.kind for e in live.timeline}
    assert {ItemKind.MUSIC, ItemKind.EMERGENCY} <= kinds
    assert isinstance(live.feeder, ChildFeeder) and sink.frames == 1500 * PERIOD
    assert calls == []  # never "player", the pulling one, nor any other thread of ours


def test_an_underrun_plays_silence_is_counted_and_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The decode process held up (a slow disk): the device still gets its periods, silent,
    on time; the live driver counts them and says so once it can."""
    store = ToneStore(tmp_path, SPEC)
    cache = MediaCache(None)
    for path in store.freqs:  # measured beforehand, as the day plan does: only decoding waits
        cache.analysis(path)
    monkeypatch.setattr(program, "PRIME_TIMEOUT", 0.05)
    sink = GatedSink()
    live = Live(store.plan, sink, AudioSettings(), cache.known, start=at(store.plan, "15:00:05"))
    assert isinstance(live.feeder, ChildFeeder)
    os.kill(live.feeder.pid, signal.SIGSTOP)  # held: not one frame decoded from now on
    audio: list[Block] = []
    inner = live._pull

    def keeping(count: int) -> Block:
        audio.append(inner(count).copy())
        return audio[-1]

    monkeypatch.setattr(live, "_pull", keeping)
    player = threading.Thread(target=live.run)
    with caplog.at_level(logging.WARNING, logger="daemon.drivers.live"):
        player.start()
        sink.periods(5)  # nothing decoded yet: five silent periods, none of them late
        assert live.underruns == 5 and not np.concatenate(audio).any()
        os.kill(live.feeder.pid, signal.SIGCONT)
        sink.stop()
        player.join()
    assert "audio underrun" in caplog.text and "5 device period(s)" in caplog.text


def test_files_that_vanish_while_live_cost_a_bounded_log_and_the_player_still_stops(
    tmp_path: Path,
) -> None:
    store = ToneStore(tmp_path, SPEC)
    plan = store.plan
    for track in plan.dayparts[0].tracks:
        track.path.unlink()  # the disk went away after the day was planned
    sink = GatedSink()
    live = Live(plan, sink, AudioSettings(), MediaCache(None).analysis, start=plan.opening)
    player = threading.Thread(target=live.run)
    player.start()
    sink.periods(100 * 120)  # two minutes: the opening song, then the vanished list
    sink.stop()
    player.join(10)
    assert not player.is_alive()
    gone = [e for e in live.timeline if e.kind is ItemKind.SKIPPED and e.source.value == "playlist"]
    files = [e for e in gone if e.ref.endswith(".wav")]
    # one pass over the four files, then a try every 30 s, 60 s, ... (and the notice)
    assert 4 <= len(files) <= 4 + 3 and len(gone) - len(files) == 1
    assert live.timeline[0].kind is ItemKind.MUSIC  # the opening song aired
