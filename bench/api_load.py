"""Benchmark: 50 phones on the API while music plays (latency, throughput, audio underruns).

    python bench/api_load.py [--clients 50] [--seconds 30] [--quick] [--record]

The service: the real `mall-pa run` process on the benchmark store (bench/service_store.py:
the example store's config on Debian's extremetuxracer-data songs, Vorbis 44.1/48 kHz,
played sequentially to the null device, real time; `pages_per_minute` the default 6). The
first admin is created through the setup link on its log, then one `staff` account per
client with `mall-pa user add NAME --role staff` (password on standard input), two at a
time; each client signs in with POST /api/login. None of that is timed.

The load: --clients threads in this one process, each with its own httpx.Client (one
keep-alive connection, TCP_NODELAY set as browsers set it) and its own account, for
--seconds, closed loop: each sends its next request as soon as the last one answered (no
think time: a stress test, not a model of phones, which poll every few seconds). Each
client submits one page (POST /api/pages, a customer page with its own name) at a random
moment in the first 80 % of the window, and every fifth client a second one 12-15 s later
(the per-person limit, 6 a minute, is never reached: a 429 would be counted apart); the
rest of the time it polls, alternately, GET /api/status and GET /api/pages/{its page}
(only GET /api/status before its first page). The page queue thus grows from empty to
about --clients pages during the window (pages air at song boundaries, three a break), and
/api/status, which lists the queue, grows with it. A monitor thread polls GET /healthz
every 0.5 s (not counted in the figures).

Measured, per request type: latency from just before the request is sent to the whole
answer read (perf_counter, in the client process: its own GIL waits included, on this
2-core machine shared with the server), p50/p99 (nearest rank); requests per second
completed; errors (transport errors and any answer not 2xx but an expected 429); the
server's CPU over the window (/proc/PID/stat, every thread) as a share of one core and per
request; the client process's own CPU. Before and after the window, one client alone sends
60 GET /api/status and 60 GET /api/pages/{id} one after another (unloaded latency: with one
page queued, its own, and with the final queue).

Audio underruns, from the service's side: the null device asks for audio on a timer and,
when it is late, catches up (it drops nothing), so an underrun shows only as the audio
clock falling behind wall time for a while. The audio clock is the as-run log's own clock:
the day's frames played since it went on air (the log itself is gapless by construction,
so only that clock against wall time can tell). It is read two ways, both to the ms:
- `now` in every GET /api/status answer: t_sent - now is a lower bound of how far the
  clock was behind wall time when the status was built (the request was sent before); its
  steady value and spread come from the unloaded requests before the window. A lag is
  counted when an answer of the load exceeds the unloaded spread by more than one period
  (10 ms: a card with one period of buffer would have run dry). A lag shorter than the
  request's own queueing cannot show this way.
- the instants in the server-sent events (GET /api/events, an async route, off uvicorn's
  thread pool; one more client, the admin): a page taken, an item started or ended are
  published right after the block holding them was rendered, so arrival - instant - steady
  is an upper bound of the lag at that instant (plus the delivery's own delay).
Also: /healthz answers other than 200, the clock's net drift from before to after the
window (unloaded, as above), skipped entries in the as-run log (GET /api/timeline). Not
measured: stalls between the events' instants shorter than the status requests' queueing
(no hook inside the process: this is the real process, unmodified).

The reference, in the same run: a trivial FastAPI app (this file, --reference-app) served
by uvicorn in a subprocess on another port, with the same paths, each a sync route (run in
uvicorn's thread pool, like ours) that checks a bearer header is present and answers fixed
bytes: GET /api/status a real status answer of ours (the one nearest the median size
seen), GET /api/pages/{id} and POST /api/pages (202) one of ours. The same clients, mix
and seeds. Its unloaded latency is also shown served on a socket made as the service makes
its own (`socket.socket(AF_INET, SOCK_STREAM)`, protocol 0), to show what that costs.
`--record` appends the results to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import report  # noqa: E402
from bench.service_store import (  # noqa: E402
    BenchStore,
    ServiceProcess,
    build_store,
    free_port,
    nodelay_client,
    user_add,
)

TICK = os.sysconf("SC_CLK_TCK")
SURNAMES = (
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏"
    "水窦章云苏潘葛奚范彭郎鲁韦昌马苗凤花方俞任袁柳"
)
HONORIFICS = ("先生", "小姐", "女士")
PLACES = ("一楼服务台", "二楼服务台", "三楼办公室", "停车场入口", "美食广场")
PASSWORD = "bench-password-{}"
UNLOADED = 60  # requests of each kind, one client alone, before and after the window
NOW = re.compile(rb'"now":"([^"]+)"')
PERIOD = 0.010  # seconds: the device's period
KINDS = ("status", "page", "submit")  # GET /api/status, GET /api/pages/{id}, POST /api/pages


def _cpu(pid: int) -> float:
    """CPU seconds (user + system, every thread) of a running process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def _self_cpu() -> float:
    mine = resource.getrusage(resource.RUSAGE_SELF)
    return mine.ru_utime + mine.ru_stime


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


# -- the load -------------------------------------------------------------------------------


@dataclass
class Answer:
    kind: str
    took: float  # seconds
    code: int  # HTTP status, 0 for a transport error
    sent: float  # time.time() just before sending
    audio: float | None  # the status's `now`: the audio clock (Unix seconds)
    size: int


@dataclass
class Load:
    answers: list[Answer] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    health: Counter[int] = field(default_factory=Counter)
    seconds: float = 0.0  # the window as it ran
    server_cpu: float = 0.0  # CPU seconds of the server over the window
    client_cpu: float = 0.0  # CPU seconds of this process over the window
    bodies: dict[str, bytes] = field(default_factory=dict)  # one answer of each kind
    status_bodies: list[bytes] = field(default_factory=list)  # every 20th status answer
    wall: tuple[float, float] = (0.0, 0.0)  # time.time() at the window's ends

    def of(self, kind: str) -> list[Answer]:
        return [a for a in self.answers if a.kind == kind]


def page_body(client: int, n: int) -> dict[str, Any]:
    name = SURNAMES[(client * 2 + n) % len(SURNAMES)]
    honorific = HONORIFICS[(client + n) % len(HONORIFICS)]
    place = PLACES[client % len(PLACES)]
    return {"kind": "customer", "name": name, "honorific": honorific, "place": place}


def audio_clock(body: bytes) -> float | None:
    found = NOW.search(body, 0, 200)
    return None if found is None else datetime.fromisoformat(found.group(1).decode()).timestamp()


def phone(
    base: str,
    index: int,
    auth: dict[str, str],
    begin: float,
    seconds: float,
    rng: random.Random,
    out: Load,
    lock: threading.Lock,
) -> None:
    """One client's closed loop from perf_counter `begin` for `seconds`."""
    end = begin + seconds
    due = [begin + rng.uniform(0, 0.8 * seconds)]
    if index % 5 == 0:
        due.append(due[0] + rng.uniform(12, 15))
    page_id: str | None = None
    answers: list[Answer] = []
    errors: Counter[str] = Counter()
    bodies: dict[str, bytes] = {}
    statuses: list[bytes] = []
    toggle, n = False, 0
    with nodelay_client(base) as http:
        while (now := time.perf_counter()) < begin:
            time.sleep(min(0.01, begin - now))
        while (now := time.perf_counter()) < end:
            if due and now >= due[0]:
                kind, request = (
                    "submit",
                    http.build_request(
                        "POST", "/api/pages", json=page_body(index, n), headers=auth
                    ),
                )
            elif page_id is not None and toggle:
                kind, request = (
                    "page",
                    http.build_request("GET", f"/api/pages/{page_id}", headers=auth),
                )
            else:
                kind, request = "status", http.build_request("GET", "/api/status", headers=auth)
            toggle = not toggle
            sent, began = time.time(), time.perf_counter()
            try:
                answer = http.send(request)
                body = answer.content
            except httpx.HTTPError as err:
                errors[f"{kind}: {type(err).__name__}"] += 1
                answers.append(Answer(kind, time.perf_counter() - began, 0, sent, None, 0))
                continue
            took = time.perf_counter() - began
            code = answer.status_code
            audio = audio_clock(body) if kind == "status" and code == 200 else None
            answers.append(Answer(kind, took, code, sent, audio, len(body)))
            if kind == "submit":
                due.pop(0)
                n += 1
                if code in (200, 202):
                    page_id = json.loads(body)["id"]
            if code == 429:
                continue
            if not 200 <= code < 300:
                errors[f"{kind}: HTTP {code}"] += 1
            elif kind not in bodies:
                bodies[kind] = body
            if kind == "status" and len(answers) % 20 == 0:
                statuses.append(body)
    with lock:
        out.answers += answers
        out.errors += errors
        for kind, body in bodies.items():
            out.bodies.setdefault(kind, body)
        out.status_bodies += statuses


def monitor(base: str, stop: threading.Event, out: Load) -> None:
    """GET /healthz every 0.5 s until `stop`."""
    with nodelay_client(base) as http:
        while not stop.wait(0.5):
            try:
                out.health[http.get("/healthz").status_code] += 1
            except httpx.HTTPError:
                out.health[0] += 1


def load(base: str, auths: Sequence[dict[str, str]], seconds: float, pid: int, seed: int) -> Load:
    """Every client for `seconds` at once, the server `pid`'s CPU measured over the window."""
    out, lock, stop = Load(), threading.Lock(), threading.Event()
    begin = time.perf_counter() + 0.5
    threads = [
        threading.Thread(
            target=phone,
            args=(base, i, auth, begin, seconds, random.Random(seed + i), out, lock),
            name=f"phone-{i}",
        )
        for i, auth in enumerate(auths)
    ]
    watch = threading.Thread(target=monitor, args=(base, stop, out), name="healthz")
    for thread in threads:
        thread.start()
    watch.start()
    while time.perf_counter() < begin:
        time.sleep(0.001)
    cpu0, mine0, t0 = _cpu(pid), _self_cpu(), time.perf_counter()
    for thread in threads:
        thread.join()
    cpu1, mine1, t1 = _cpu(pid), _self_cpu(), time.perf_counter()
    stop.set()
    watch.join()
    out.seconds, out.server_cpu, out.client_cpu = t1 - t0, cpu1 - cpu0, mine1 - mine0
    out.wall = (time.time() - (t1 - t0), time.time())
    return out


EVENT_AT = ("at", "started_at", "ended_at")  # the audio-clock instant of each event type


def events(base: str, auth: dict[str, str], stop: threading.Event, out: list[Sample]) -> None:
    """GET /api/events until `stop`: for each event, when it arrived and its audio instant."""
    try:
        with (
            nodelay_client(base, 30.0) as http,
            http.stream("GET", "/api/events", headers=auth) as r,
        ):
            kind = ""
            for line in r.iter_lines():
                arrived = time.time()
                if line.startswith("event:"):
                    kind = line.split(":", 1)[1].strip()
                elif line.startswith("data:"):
                    data = json.loads(line.split(":", 1)[1])
                    key = (
                        "ended_at"
                        if kind == "item_ended"
                        else next((k for k in EVENT_AT if k in data), "")
                    )
                    if key:
                        at = datetime.fromisoformat(data[key]).timestamp()
                        out.append(Sample(arrived, at, kind))
                if stop.is_set():
                    return
    except httpx.HTTPError:
        if not stop.is_set():
            raise


@dataclass(frozen=True)
class Sample:
    arrived: float  # time.time() when the event's data line was read
    at: float  # its audio-clock instant
    kind: str


@dataclass(frozen=True)
class Unloaded:
    status: list[float]  # seconds
    page: list[float]
    offsets: list[float]  # t_sent - the status's audio clock
    queue: int
    size: int  # bytes of the last status answer


def unloaded(base: str, auth: dict[str, str], page_id: str | None) -> Unloaded:
    """One client alone: UNLOADED status requests, then UNLOADED page requests."""
    status: list[float] = []
    page: list[float] = []
    offsets: list[float] = []
    body = b"{}"
    with nodelay_client(base) as http:
        http.get("/api/status", headers=auth)  # the connection opened
        for _ in range(UNLOADED):
            sent, began = time.time(), time.perf_counter()
            answer = http.get("/api/status", headers=auth)
            status.append(time.perf_counter() - began)
            body = answer.content
            audio = audio_clock(body)
            if audio is not None:
                offsets.append(sent - audio)
        for _ in range(UNLOADED if page_id else 0):
            began = time.perf_counter()
            http.get(f"/api/pages/{page_id}", headers=auth)
            page.append(time.perf_counter() - began)
    queue = len(json.loads(body).get("queue", ()))
    return Unloaded(status, page, offsets, queue, len(body))


# -- the reference app ----------------------------------------------------------------------


def reference_app(port: int, bodies: Path, protocol: int) -> None:
    """The trivial app: fixed answers on our paths, served by uvicorn (until SIGTERM)."""
    import uvicorn
    from fastapi import FastAPI, Header, Response

    fixed = {k: v.encode() for k, v in json.loads(bodies.read_text(encoding="utf-8")).items()}
    app = FastAPI()
    kind = "application/json"

    def signed(authorization: str | None) -> Response | None:
        if not authorization or not authorization.startswith("Bearer "):
            return Response(b'{"code":"unauthorized"}', 401, media_type=kind)
        return None

    @app.get("/healthz")
    def healthz() -> Response:
        return Response(b'{"ok":true}', media_type=kind)

    @app.get("/api/status")
    def status(authorization: str | None = Header(None)) -> Response:
        return signed(authorization) or Response(fixed["status"], media_type=kind)

    @app.get("/api/pages/{page_id}")
    def get_page(page_id: str, authorization: str | None = Header(None)) -> Response:
        return signed(authorization) or Response(fixed["page"], media_type=kind)

    @app.post("/api/pages", status_code=202)
    def submit(body: dict[str, Any], authorization: str | None = Header(None)) -> Response:
        return signed(authorization) or Response(fixed["submit"], 202, media_type=kind)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, protocol)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(128)
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


class Reference:
    """The trivial app in a subprocess; a context manager that always stops it."""

    def __init__(self, bodies: Path, protocol: int) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        me = str(Path(__file__).resolve())
        command = [
            sys.executable,
            me,
            "--reference-app",
            str(self.port),
            str(bodies),
            str(protocol),
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.pid = self.process.pid

    def __enter__(self) -> Reference:
        deadline = time.monotonic() + 30
        with nodelay_client(self.base, 1.0) as http:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    err = self.process.stderr.read().decode() if self.process.stderr else ""
                    raise SystemExit(f"the reference app exited:\n{err}")
                try:
                    if http.get("/healthz").status_code == 200:
                        return self
                except httpx.TransportError:
                    time.sleep(0.05)
        raise SystemExit("the reference app did not start in 30 s")

    def __exit__(self, *_: object) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


# -- the run --------------------------------------------------------------------------------


@dataclass
class Ours:
    before: Unloaded
    during: Load
    after: Unloaded
    skipped: int
    entries: int
    exit_code: int
    setup_seconds: float  # creating the accounts (50 CLI calls) and signing in
    events: list[Sample]
    memory: dict[str, float]  # MB: the service's VmHWM after the sign-ins, VmRSS/VmHWM at the end


def sign_in(base: str, names: Sequence[str]) -> list[dict[str, str]]:
    """POST /api/login for every account, two at a time; their auth headers, in order."""

    def one(i: int) -> dict[str, str]:
        with nodelay_client(base) as http:
            body = {"name": names[i], "password": PASSWORD.format(i)}
            answer = http.post("/api/login", json=body)
        if answer.status_code != 200:
            raise SystemExit(f"login {names[i]}: {answer.status_code} {answer.text}")
        return {"Authorization": f"Bearer {answer.json()['token']}"}

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(one, range(len(names))))


def vm(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a running process, in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    rss, hwm = (int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM"))
    return rss, hwm


def run_ours(store: BenchStore, clients: int, seconds: float, seed: int) -> Ours:
    service = ServiceProcess(store)
    stop = threading.Event()
    try:
        service.wait_ready()
        began = time.perf_counter()
        with nodelay_client(store.base) as http:
            admin = service.first_admin(http)
            names = [f"店员{i:02d}" for i in range(clients)]
            with ThreadPoolExecutor(2) as pool:  # 2 cores
                list(
                    pool.map(
                        lambda i: user_add(store, names[i], PASSWORD.format(i)), range(clients)
                    )
                )
            auths = sign_in(store.base, names)
            setup = time.perf_counter() - began
            memory = {"signed": vm(service.pid)[1]}
            feed: list[Sample] = []
            listen = threading.Thread(
                target=events, args=(store.base, admin, stop, feed), daemon=True
            )
            listen.start()
            time.sleep(0.5)
            first = http.post("/api/pages", json=page_body(0, 7), headers=auths[0])
            if first.status_code != 202:
                raise SystemExit(f"the first page: {first.status_code} {first.text}")
            probe = first.json()["id"]  # client 0's: a staff account reads only its own
            before = unloaded(store.base, auths[0], probe)
            during = load(store.base, auths, seconds, service.pid, seed)
            after = unloaded(store.base, auths[0], probe)
            timeline = http.get("/api/timeline", headers=admin).json()["entries"]
            memory["end"], memory["end_hwm"] = vm(service.pid)
        skipped = sum(e["kind"] == "skipped" for e in timeline)
        stop.set()
        code = service.stop()
        listen.join(10)
        return Ours(before, during, after, skipped, len(timeline), code, setup, feed, memory)
    finally:
        stop.set()
        service.stop()


def run_reference(bodies: Path, clients: int, seconds: float, seed: int) -> tuple[Unloaded, Load]:
    with Reference(bodies, socket.IPPROTO_TCP) as ref:
        auths = [{"Authorization": f"Bearer reference-{i}"} for i in range(clients)]
        before = unloaded(ref.base, auths[0], "p-reference")
        during = load(ref.base, auths, seconds, ref.pid, seed)
    return before, during


def run_reference_socket(bodies: Path) -> Unloaded:
    with Reference(bodies, 0) as ref:
        return unloaded(ref.base, {"Authorization": "Bearer reference"}, "p-reference")


# -- the report -----------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def lat(values: Sequence[float]) -> str:
    if not values:
        return "none"
    return f"p50 {ms(percentile(values, 0.5))}, p99 {ms(percentile(values, 0.99))}"


def per_kind(run: Load) -> dict[str, str]:
    names = {
        "status": "GET /api/status",
        "page": "GET /api/pages/{id}",
        "submit": "POST /api/pages",
    }
    out = {}
    for kind in KINDS:
        answers = [a for a in run.of(kind) if a.code != 429]
        took = [a.took for a in answers]
        out[names[kind]] = f"{lat(took)} (n {len(took)}, {len(took) / run.seconds:.1f}/s)"
    return out


def load_line(run: Load) -> str:
    total = len(run.answers)
    rejected = sum(a.code == 429 for a in run.answers)
    errors = sum(run.errors.values())
    shown = "; ".join(f"{k} x{v}" for k, v in run.errors.most_common()) or "none"
    return (
        f"{total / run.seconds:.0f} requests/s ({total} in {run.seconds:.1f} s); errors {errors} "
        f"({shown}); 429s {rejected}; server CPU {run.server_cpu / run.seconds * 100:.0f}% of a "
        f"core, {run.server_cpu / max(total, 1) * 1000:.2f} ms per request; this client "
        f"process {run.client_cpu / run.seconds * 100:.0f}% of a core"
    )


def pick_status(run: Load) -> bytes:
    """The sampled status answer nearest the median size."""
    bodies = run.status_bodies or [run.bodies["status"]]
    middle = statistics.median(len(b) for b in bodies)
    return min(bodies, key=lambda b: abs(len(b) - middle))


def audio_lines(ours: Ours) -> dict[str, str]:
    steady = statistics.median(ours.before.offsets)
    spread = [o - steady for o in ours.before.offsets]
    jitter = max(spread) + PERIOD  # beyond this over steady, a card would have run dry
    during = [a.sent - a.audio - steady for a in ours.during.answers if a.audio is not None]
    drift = statistics.median(ours.after.offsets) - steady
    w0, w1 = ours.during.wall
    inside = [e.arrived - e.at - steady for e in ours.events if w0 <= e.arrived <= w1]
    outside = [e.arrived - e.at - steady for e in ours.events if not w0 <= e.arrived <= w1]
    polls = sorted(ours.during.health.items())
    health = ", ".join(f"{code or 'no answer'} x{n}" for code, n in polls)
    unhealthy = sum(n for code, n in polls if code != 200)
    late = sum(d > jitter for d in during)
    seen = unhealthy + late + (abs(drift) > PERIOD) + ours.skipped
    bound = max(inside, default=math.inf)

    def dist(values: Sequence[float]) -> str:
        if not values:
            return "none"
        return f"median {ms(statistics.median(values))}, max {ms(max(values))}"

    return {
        "audio: GET /healthz every 0.5 s during the load": f"{health or 'no answer'} "
        f"({unhealthy} not 200)",
        "audio: the audio clock vs wall time, unloaded before (t_sent - status `now`)": (
            f"steady {ms(steady)}; {len(spread)} requests spread {ms(min(spread))} to "
            f"+{ms(max(spread))} around it (the null device's own 10 ms timer)"
        ),
        "audio: lower bound of the clock's lag over steady, every status answer of the load": (
            f"largest {ms(max(during, default=0.0))} over {len(during)} answers; beyond the "
            f"unloaded spread + one period ({ms(jitter)}): {late}"
        ),
        "audio: upper bound of the lag at each event's instant (SSE arrival - its audio time "
        "- steady)": f"during the load {dist(inside)} over {len(inside)} events; unloaded "
        f"{dist(outside)} over {len(outside)}",
        "audio: net drift of the audio clock over the window (after - before, unloaded)": (
            f"{ms(drift)}; as-run log: {ours.entries} entries, {ours.skipped} skipped"
        ),
        "audio underruns, target 0": (
            f"{'none seen' if seen == 0 else f'{seen} SEEN'} (healthz, lower bounds, drift, "
            "skipped entries); at the events' instants the lag was at most "
            f"{ms(bound)}{' (within one period of the unloaded spread)' if bound <= jitter else ''}"
        ),
    }


def measure(clients: int, seconds: float, seed: int) -> dict[str, str]:
    store = build_store()
    ours = run_ours(store, clients, seconds, seed)
    with tempfile.TemporaryDirectory(prefix="api-load-") as scratch:
        bodies = Path(scratch) / "bodies.json"
        fixed = {**ours.during.bodies, "status": pick_status(ours.during)}
        missing = [k for k in KINDS if k not in fixed]
        if missing:
            raise SystemExit(f"no successful {', '.join(missing)} answer from ours to copy")
        bodies.write_text(json.dumps({k: v.decode() for k, v in fixed.items()}), encoding="utf-8")
        ref_before, ref_load = run_reference(bodies, clients, seconds, seed)
        ref_socket = run_reference_socket(bodies)
    sizes = [a.size for a in ours.during.of("status") if a.code == 200]
    results = {
        "setup": f"real `mall-pa run` on the bench store (Vorbis 44.1/48 kHz songs, null "
        f"device, real time); {clients} clients (threads, one httpx.Client each, TCP_NODELAY, "
        f"own staff account) for {seconds:g} s, closed loop, no think time; each pages once "
        "(every fifth twice), otherwise GET /api/status and GET /api/pages/{id} alternately",
        "ours: page queue and /api/status size during the load": f"queue 0 to "
        f"{ours.after.queue} pages; status answers {min(sizes)}-{max(sizes)} bytes "
        f"(median {statistics.median(sizes):.0f})",
    }
    for name, line in per_kind(ours.during).items():
        results[f"ours under load: {name}"] = line
    results["ours under load: throughput, errors, CPU"] = load_line(ours.during)
    for name, line in per_kind(ref_load).items():
        results[f"reference under load: {name}"] = line
    results["reference under load: throughput, errors, CPU"] = load_line(ref_load)
    ratio = []
    for kind in KINDS:
        o = [a.took for a in ours.during.of(kind) if a.code != 429]
        r = [a.took for a in ref_load.of(kind)]
        if o and r:
            p50, p99 = (
                percentile(o, 0.5) / percentile(r, 0.5),
                percentile(o, 0.99) / percentile(r, 0.99),
            )
            ratio.append(f"{kind} p50 {p50:.1f}x, p99 {p99:.1f}x")
    results["ratio ours / reference under load"] = "; ".join(ratio)
    results[f"unloaded, one client, {UNLOADED} each: ours before (queue {ours.before.queue})"] = (
        f"status {lat(ours.before.status)}; page {lat(ours.before.page)}"
    )
    results[f"unloaded: ours after (queue {ours.after.queue}, {ours.after.size} bytes)"] = (
        f"status {lat(ours.after.status)}; page {lat(ours.after.page)}"
    )
    results["unloaded: reference (uvicorn's own socket)"] = (
        f"status {lat(ref_before.status)}; page {lat(ref_before.page)}"
    )
    results["unloaded: reference on a socket made as the service's (protocol 0)"] = (
        f"status {lat(ref_socket.status)}; page {lat(ref_socket.page)}"
    )
    mem = ours.memory
    results["ours: the service's memory"] = (
        f"VmHWM {mem['signed']:.0f} MB after the {clients} sign-ins (two at a time; the service "
        f"hashes one at a time, argon2id as daemon/accounts.py sets it); at the end VmRSS "
        f"{mem['end']:.0f} MB, VmHWM {mem['end_hwm']:.0f} MB"
    )
    results.update(audio_lines(ours))
    results["setting up (not timed above)"] = (
        f"{clients} accounts with `mall-pa user add` and their logins: {ours.setup_seconds:.1f} s; "
        f"the service's exit status after SIGTERM: {ours.exit_code}"
    )
    if store.note:
        results["note"] = store.note
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="10 clients for 5 s: a smoke run")
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    parser.add_argument("--reference-app", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reference_app:
        port, bodies, protocol = args.reference_app
        reference_app(int(port), Path(bodies), int(protocol))
        return
    if args.quick:
        args.clients, args.seconds = 10, 5.0
    report("api_load.py", measure(args.clients, args.seconds, args.seed), args.record)


if __name__ == "__main__":
    main()
