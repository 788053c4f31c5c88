"""The service: one process on the desk PC that plays the store's days and serves the desk.

It owns the process. `run()` opens everything that can fail on a person's mistake first
(the store, the output device, the listening socket, the certificate), so a mistake is a
message and not a traceback; then uvicorn serves the API in the main thread, and the app's
lifespan starts the playing side: audio first, then the engine's day, then the API takes
requests; the stop goes in reverse. uvicorn turns SIGTERM and SIGINT into a clean stop: the
item on air is logged as interrupted at its true end, the database is closed, exit 0.

Threads, each named: `playout` (days on air; the sound card's own callback thread under
it), `playout-follow` (forecast, preload, event subscribers), `preload`, APScheduler's
chores, uvicorn's event loop (the main thread) and its worker threads for requests.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from types import FrameType

import uvicorn
from fastapi import FastAPI

from api import create_app
from daemon.accounts import Accounts
from daemon.allocator import tune_allocator
from daemon.audio.sinks import DeviceSink, open_sink
from daemon.catalog.config import Config
from daemon.catalog.load import Catalog
from daemon.chores import Chores
from daemon.dayplan import emergency_presets
from daemon.desk import Desk, DeskSettings
from daemon.drivers.days import Days
from daemon.drivers.live import Live
from daemon.notify import Notifier
from daemon.previewer import Previewer
from daemon.recorder import Recorder
from daemon.service_log import EventLog, OnAirStatus
from daemon.speech.speaker import open_speaker
from daemon.store import Store
from daemon.timeline import JsonlFile

__all__ = ["DATABASE", "Service", "ServiceError"]

log = logging.getLogger("mall-pa")

DATABASE = "mall-pa.db"
AUDIO_WAIT = 5.0  # seconds for the first audio to flow before the service says it is ready
SWITCH_INTERVAL = 0.0001  # seconds a thread may hold the GIL while another waits for it


class ServiceError(Exception):
    """The service cannot start; the message says why and what to do."""


class Service:
    def __init__(
        self,
        catalog: Catalog,
        device: str | None = None,
        seconds: float | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.catalog, self.config = catalog, catalog.config
        self._device, self._seconds, self._clock = device, seconds, clock
        self.notifier = Notifier.from_environment()
        self._scheme = "http"

    def run(self) -> int:
        """Serve and play until stopped; 0 after a clean stop."""
        # The audio callback waits for the GIL whenever another thread holds it: at most
        # this long, not Python's default 5 ms (half of a 10 ms period). It may wait once for
        # each numpy call it makes on a whole block (each gives the GIL away for its length):
        # 0.1 ms each keeps a dozen of them under 2 ms (bench/RESULTS.md, 2026-12-03 evening).
        sys.setswitchinterval(SWITCH_INTERVAL)
        tune_allocator()  # a password hash's 19 MiB leaves with the sign-in; few arenas
        config, api = self.config, self.config.service.api
        listening = _listen(api.host, api.port)
        store = Store(config.state_dir / DATABASE)
        sink = previewer = None
        try:
            speaker = open_speaker(config.speech, config.state_dir)
            sink = open_sink(self._device or config.audio.device)
            presets = emergency_presets(self.catalog, speaker)
            days = Days(self.catalog, speaker, sink, store, presets, self._clock)
            accounts = Accounts(store, clock=self._clock)
            settings = DeskSettings(
                config.service.pages_per_minute, store_name=config.store.name,
                morning_until=config.morning_until, deadlines=config.deadlines,
                library=config.scripts_dir, script_names=_script_names(config),
                campaign_min_gap_minutes=config.breaks.campaign_min_gap_minutes,
            )  # fmt: skip
            previewer = Previewer(lambda: days.catalog, config.state_dir / "previews")
            desk = Desk(days, store, accounts, speaker, presets, self.catalog.media.analysis,
                        settings, self._clock, previewer)  # fmt: skip
            if config.directory_seed is not None:
                taken, said = desk.switchboard.seed(config.directory_seed)
                if said:
                    log.log(logging.INFO if taken else logging.WARNING, "%s", said)
            for subscriber in (
                Recorder(store, days.today),
                JsonlFile(config.state_dir / "timeline-{day}.jsonl", config.store.timezone,
                          config.file.parent.resolve()),
                EventLog(config.store.timezone, config.file.parent.resolve()),
                OnAirStatus(self.notifier),
            ):  # fmt: skip
                days.subscribe(subscriber)
            chores = Chores(self.catalog, days, desk, store, accounts, self.notifier, self._clock)
            cert = key = None
            if api.self_signed:
                from daemon.tls import ensure_self_signed  # cryptography: 8 MB, only for this

                try:
                    made = ensure_self_signed(config.state_dir)
                except OSError as err:
                    raise ServiceError(
                        f"cannot make the HTTPS certificate in {config.state_dir}/tls "
                        f"({err.strerror or err}): check daemon.state_dir and its permissions"
                    ) from None
                cert, key = made.cert_path, made.key_path
                log.info("HTTPS certificate %s, SHA-256 fingerprint %s", cert,
                         made.fingerprint_sha256)  # fmt: skip
            elif api.tls_cert is not None:
                cert, key = api.tls_cert, api.tls_key
            lifespan = self._lifespan(days, sink, chores, accounts, store)
            app = create_app(desk, lifespan=lifespan, https=cert is not None, ca_cert=cert)
            server = _Server(uvicorn.Config(
                app, log_config=None, access_log=False, timeout_graceful_shutdown=2,
                ssl_certfile=cert, ssl_keyfile=key, lifespan="on",
            ))  # fmt: skip
            self._scheme = "https" if cert is not None else "http"
            if self._seconds is not None:
                timer = threading.Timer(self._seconds, server.stop)
                timer.name, timer.daemon = "stop-timer", True
                timer.start()
            _after_uvicorn_stops()
            server.run(sockets=[listening])
            return 0 if server.started else 1
        finally:
            listening.close()
            if sink is not None:
                sink.close()
            if previewer is not None:
                previewer.close()
            store.close()

    def _lifespan(
        self,
        days: Days,
        sink: DeviceSink,
        chores: Chores,
        accounts: Accounts,
        store: Store,
    ) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
        @asynccontextmanager
        async def lifespan(app: FastAPI) -> AsyncIterator[None]:
            log.info("playing to %s", sink.name)
            if sink.warning:
                log.warning("%s", sink.warning)
            on_air = threading.Event()

            def started(live: Live) -> None:
                on_air.set()

            player = threading.Thread(target=days.run, args=(started,), name="playout")
            player.start()
            loop = asyncio.get_running_loop()
            flowing = await loop.run_in_executor(None, _wait_for_audio, days, on_air)
            if not flowing:
                log.error("no audio flows %g s after start: see the output device", AUDIO_WAIT)
            else:
                log.info("the audio thread runs at %s", sink.scheduling)
            chores.start()
            self.notifier.ready()
            self._announce(accounts)
            try:
                yield
            finally:
                self.notifier.stopping()
                chores.stop()
                days.stop()
                await loop.run_in_executor(None, player.join)
                log.info("stopped; the as-run log is in %s", store.path)

        return lifespan

    def _announce(self, accounts: Accounts) -> None:
        """Where to point a browser, and on a first run the one-time setup link."""
        api = self.config.service.api
        host = "127.0.0.1" if api.host in ("0.0.0.0", "::", "") else api.host
        base = f"{self._scheme}://{host}:{api.port}"
        log.info("the desk console: %s/desk   the phone page: %s/", base, base)
        lan = _lan_address() if api.host in ("0.0.0.0", "::", "") else None
        if lan is not None:
            log.info("phones on the store's network: %s://%s:%d/", self._scheme, lan, api.port)
        log.info("the API: %s/api/ (try it at %s/docs)", base, base)
        token = accounts.setup_token()
        if token is not None:
            log.warning("FIRST RUN: no administrator yet. Open this link once to create one:")
            log.warning("    %s/setup?token=%s", base, token)


def _lan_address() -> str | None:
    """This PC's address on its network (no packet is sent: a UDP socket only picks a route)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            address = str(probe.getsockname()[0])
    except OSError:
        return None
    return None if address.startswith("127.") else address


class _Server(uvicorn.Server):
    """uvicorn's server with its main loop woken once a second, not ten times (the Date
    header it refreshes there changes once a second anyway: the ten wake-ups cost 0.3% of
    a core, bench/RESULTS.md); a stop (SIGTERM, SIGINT, `stop`) wakes it at once."""

    _loop: asyncio.AbstractEventLoop | None = None
    _wake: asyncio.Event | None = None

    async def main_loop(self) -> None:
        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        counter = 0  # uvicorn's tick count: its headers are refreshed when it is a multiple of 10
        while not await self.on_tick(counter):
            counter = (counter + 10) % 864_000
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=1.0)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        self._wake_up()

    def stop(self) -> None:
        """Stop serving, from any thread (as a SIGTERM does)."""
        self.should_exit = True
        self._wake_up()

    def _wake_up(self) -> None:
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            loop.call_soon_threadsafe(wake.set)


def _after_uvicorn_stops() -> None:
    """uvicorn stops cleanly on SIGTERM/SIGINT, then raises the signal again for the handler
    it found installed: with these, that second raise ends nothing, and `run` returns 0."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: None)


def _wait_for_audio(days: Days, on_air: threading.Event) -> bool:
    if not on_air.wait(AUDIO_WAIT):
        return False
    deadline = time.monotonic() + AUDIO_WAIT
    while time.monotonic() < deadline:
        if days.sink.frames > 0:
            days.sample()
            return True
        time.sleep(0.02)
    return False


def _script_names(config: Config) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The zones and dayparts a script may name (the scripts workflow checks them)."""
    return tuple(z.name for z in config.zones), tuple(d.name for d in config.dayparts)


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything starts (a port in use is a message)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP said outright: asyncio sets TCP_NODELAY only on sockets that say it, and
    # without it a small answer waits for the client's delayed ACK (40 ms a request).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        sock.close()
        raise ServiceError(
            f"cannot listen on {host}:{port} ({err.strerror}): another program (or another "
            "mall-pa) uses that port, or the address is not this machine's; set [api] port "
            "or [api] host in mall-pa.toml"
        ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock
