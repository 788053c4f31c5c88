"""The benchmark store: the example store's config on real recorded music, open all day.

    python bench/service_store.py [--folder bench/out/service-store]   # build it and say so

What the service benchmarks (api_load.py, emergency_http.py, service_cost.py) play. It is
the example store's mall-pa.toml, parsed and written anew with these changes:
- the music: one daypart, 00:00-24:00 (so a benchmark runs at any hour), `sequential`,
  on a playlist of the ten songs of Debian's `extremetuxracer-data` (Ogg Vorbis, stereo;
  nine at 44.1 kHz, one at 48 kHz: real recorded music that the service resamples to its
  48 kHz, 568 s in all), installed with apt-get when missing; the playlist points at the
  package's files where they are. No opening or closing song (nothing but songs then, as
  Liquidsoap plays in service_cost.py);
- the stings: the example's intro, outro and alert tone (stings/*.ogg from `make media`),
  copied into the store's folder;
- the scripts: only the example's emergency preset fire-evacuation (its text spoken by the
  store's voice, espeak-ng, at start-up), so no fixed or campaign announcement airs; its
  `clear_script` is left out (a benchmark's clear brings the music back at once);
- `audio.device = "null"` (miniaudio's null device: real time, silent), `[api]` on
  127.0.0.1 at a free port, `[daemon] state_dir = "state"` in the store's folder,
  `check_before_opening_minutes = 0` and `pages_per_minute` as the caller asks (default 6,
  the service's default). The zones, speech and paging sections are the example's.

`BenchStore.fresh()` empties the state folder (database, timelines, logs) but keeps the
media cache and the speech cache, so that every run starts as a first run (the setup link)
on files already measured. Nothing here is timed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "mall-pa.toml"
OUT = ROOT / "bench" / "out"  # git-ignored
PACKAGE = "extremetuxracer-data"
MUSIC_DIR = Path("/usr/share/games/etr/music")  # where Debian's package puts its songs
PRESET = "fire-evacuation"
# the playlist's order: two short 44.1 kHz songs first, then the 48 kHz one, so that a
# window of 30 s from the start hears both rates and two song changes
ORDER = (
    "options1-jt", "raceintro-ks", "calmrace-ks", "wonrace1-jt", "race1-jt", "credits1-cp",
    "lostrace-ks", "start1-jt", "freezingpoint", "spunkyrace-ks",
)  # fmt: skip
KEEP = ("media.json", "speech-cache")  # what fresh() keeps of the state folder
MALL_PA = Path(sys.executable).with_name("mall-pa")
ADMIN = ("基准管理员", "correct horse battery staple")
CHECKED = re.compile(r"check: every file|CHECK FAILED")  # the start-up check has run


def ensure_package(package: str, probe: Path) -> str:
    """A note if `probe` was missing and Debian's `package` was installed for it, else ""."""
    if probe.exists():
        return ""
    print(f"{probe} is missing: installing Debian's {package} with apt-get", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in (["update", "-qq"], ["install", "-y", "-qq", "--no-install-recommends", package]):
        subprocess.run(["apt-get", *step], check=True, env=env, stdout=subprocess.DEVNULL)
    return f"{package} was missing: this run installed it with apt-get"


def find_music() -> tuple[list[Path], str]:
    """The package's songs in ORDER (installing it if needed), and the install note."""
    note = ensure_package(PACKAGE, MUSIC_DIR)
    found = {p.stem: p for p in MUSIC_DIR.glob("*.ogg")}
    if not found:  # the package moved its files: ask dpkg where they are
        listed = subprocess.run(["dpkg", "-L", PACKAGE], capture_output=True, text=True)
        found = {
            Path(line).stem: Path(line)
            for line in listed.stdout.splitlines()
            if line.endswith(".ogg") and "/music/" in line
        }
    songs = [found[name] for name in ORDER if name in found]
    songs += sorted(p for name, p in found.items() if name not in ORDER)
    if not songs:
        raise SystemExit(f"no .ogg songs found in Debian's {PACKAGE}")
    return songs, note


def free_port() -> int:
    """A TCP port free on the loopback now (bound and released at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"no TOML for {value!r}")


def to_toml(data: dict[str, Any], prefix: str = "") -> str:
    """Enough TOML for a mall-pa.toml: scalars, lists of scalars, tables, arrays of tables."""
    lines = [f"{k} = {_value(v)}" for k, v in data.items() if not _is_table(v)]
    out = "\n".join(lines) + ("\n" if lines else "")
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out += f"\n[{name}]\n" + to_toml(value, f"{name}.")
        elif _is_table(value):
            for table in value:
                out += f"\n[[{name}]]\n" + to_toml(table, f"{name}.")
    return out


def _is_table(value: Any) -> bool:
    return isinstance(value, dict) or (
        isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
    )


@dataclass(frozen=True)
class BenchStore:
    folder: Path
    config: Path
    port: int
    songs: tuple[Path, ...]
    note: str  # "" or what this run installed

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def state(self) -> Path:
        return self.folder / "state"

    def fresh(self) -> None:
        """A first run's state (no database, no timeline), the caches kept."""
        self.state.mkdir(parents=True, exist_ok=True)
        for path in self.state.iterdir():
            if path.name in KEEP:
                continue
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()


def build_store(
    folder: Path = OUT / "service-store", pages_per_minute: int = 6, port: int | None = None
) -> BenchStore:
    """Write the benchmark store into `folder` (its state folder emptied but for the caches)."""
    if not (ROOT / "music" / ".generated").exists():
        raise SystemExit("the example media is missing: run `make media` first")
    songs, note = find_music()
    folder.mkdir(parents=True, exist_ok=True)
    example = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    (folder / "stings").mkdir(exist_ok=True)
    breaks = dict(example["breaks"])
    for key in ("intro", "outro", "alert"):
        source = ROOT / breaks[key]
        shutil.copyfile(source, folder / "stings" / source.name)
        breaks[key] = f"stings/{source.name}"
    (folder / "scripts").mkdir(exist_ok=True)
    for old in (folder / "scripts").glob("*.toml"):
        old.unlink()
    preset = (ROOT / example["library"]["scripts"] / f"{PRESET}.toml").read_text(encoding="utf-8")
    kept = [
        line for line in preset.splitlines(keepends=True) if not line.startswith("clear_script")
    ]
    (folder / "scripts" / f"{PRESET}.toml").write_text("".join(kept), encoding="utf-8")
    (folder / "music.m3u8").write_text(
        "#EXTM3U\n" + "".join(f"#EXTINF:-1,{s.stem}\n{s}\n" for s in songs), encoding="utf-8"
    )
    port = free_port() if port is None else port
    all_day = {"name": "all-day", "start": "00:00", "end": "24:00"}
    config: dict[str, Any] = {
        "store": {**example["store"], "name": "基准测试店", "opening": "00:00", "closing": "24:00"},
        "music": {"daypart": [{**all_day, "playlist": "music.m3u8", "order": "sequential"}]},
        "breaks": breaks,
        "library": {"scripts": "scripts"},
        "zones": example.get("zones", []),
        "speech": example.get("speech", {}),
        "paging": example.get("paging", {}),
        "audio": {**example.get("audio", {}), "device": "null"},
        "api": {"host": "127.0.0.1", "port": port},
        "daemon": {
            "state_dir": "state",
            "check_before_opening_minutes": 0,
            "pages_per_minute": pages_per_minute,
        },
    }
    if not config["zones"]:
        del config["zones"]
    path = folder / "mall-pa.toml"
    head = "# The benchmark store (bench/service_store.py): written anew by every benchmark run.\n"
    path.write_text(head + to_toml(config), encoding="utf-8")
    store = BenchStore(folder, path, port, tuple(songs), note)
    store.fresh()
    return store


def nodelay_client(base: str, timeout: float = 10.0) -> httpx.Client:
    """An HTTP client whose connections send at once (TCP_NODELAY), as browsers' do."""
    options = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
    transport = httpx.HTTPTransport(socket_options=options)
    return httpx.Client(base_url=base, timeout=timeout, transport=transport)


class ServiceProcess:
    """The real `mall-pa run` on a bench store, its output in a log file beside the config."""

    def __init__(self, store: BenchStore) -> None:
        self.store = store
        self.log = store.folder / "run.log"
        self.started = time.time()
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [str(MALL_PA), "run", "--config", str(store.config)],
                stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )  # fmt: skip
        self.pid = self.process.pid

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, seconds: float = 60.0) -> None:
        """Until /healthz answers 200 and the start-up check (which decodes every file) ran."""
        deadline = time.monotonic() + seconds
        with nodelay_client(self.store.base, 2.0) as http:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise SystemExit(f"mall-pa exited {self.process.returncode}:\n{self.output()}")
                try:
                    healthy = http.get("/healthz").status_code == 200
                except httpx.TransportError:
                    healthy = False
                if healthy and CHECKED.search(self.output()):
                    return
                time.sleep(0.05)
        raise SystemExit(f"mall-pa was not ready in {seconds:g} s:\n{self.output()[-3000:]}")

    def first_admin(self, http: httpx.Client) -> dict[str, str]:
        """Create the first admin through the setup link on the log; their auth header."""
        found = re.search(r"/setup\?token=(\S+)", self.output())
        if found is None:
            raise SystemExit(f"no setup link on the log:\n{self.output()}")
        name, password = ADMIN
        made = http.post("/api/setup", json={"token": found.group(1), "name": name,
                                             "password": password})  # fmt: skip
        if made.status_code != 200:
            raise SystemExit(f"setup failed: {made.status_code} {made.text}")
        return {"Authorization": f"Bearer {made.json()['token']}"}

    def stop(self) -> int:
        """SIGTERM (a clean stop), SIGKILL after 20 s; the exit status. Safe to call twice."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        return int(self.process.returncode)


def user_add(store: BenchStore, name: str, password: str, role: str = "staff") -> None:
    """`mall-pa user add NAME --role ROLE`, the password on standard input."""
    done = subprocess.run(
        [str(MALL_PA), "user", "add", name, "--role", role, "--config", str(store.config)],
        input=password + "\n", capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"mall-pa user add {name} failed: {done.stderr}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=OUT / "service-store")
    args = parser.parse_args()
    store = build_store(args.folder)
    print(f"{store.config}: {len(store.songs)} songs, {store.base}")
    if store.note:
        print(store.note)


if __name__ == "__main__":
    main()
