"""Benchmark: time to render a typical page (target: median <= 30 ms for 20 characters).

    python bench/speech_page.py [--pages 200] [--record]

A typical page is a customer page with a different name each time, so every render is a
cache miss: "来宾{姓名}先生,请听到广播后到一楼服务台。" (20 characters, read twice). Measured
side by side in one run:
- the whole render: wording rules, normalisation, espeak-ng, trimming, levelling, the
  repeat, the WAV written to the render cache (median and p99);
- the reference floor: the bare espeak-ng library call for the same text, once;
- a cache hit: the same page again;
- a page assembled from a phrase bank (recorded phrases, only the name synthesised);
- real time: how long the rendered page takes to air.
`--record` appends the results to bench/RESULTS.md with the date and machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import report  # noqa: E402
from daemon.speech import espeak  # noqa: E402
from daemon.speech.audio import SPEECH_RATE, Audio  # noqa: E402
from daemon.speech.cache import RenderCache  # noqa: E402
from daemon.speech.engines import VoiceSettings  # noqa: E402
from daemon.speech.phrasebank import PhraseBank, required_phrases  # noqa: E402
from daemon.speech.speaker import Speaker  # noqa: E402
from daemon.speech.wording import PageRequest, PagingRules  # noqa: E402

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
GIVEN = "伟芳娜敏静丽强磊军洋"
NAMES = [surname + given for surname in SURNAMES for given in GIVEN]  # 1,000 different names
RULES = PagingRules(places=("一楼服务台",))


def timed(action: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"median {statistics.median(times) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms"


def tone_pack(folder: Path) -> Path:
    """A stand-in voice pack: every phrase a 0.5 s tone (recordings are decoded like these)."""
    t = np.arange(SPEECH_RATE // 2) / SPEECH_RATE
    for n, phrase in enumerate(required_phrases(RULES)):
        wave = np.sin(2 * np.pi * (180 + 10 * n) * t) * 0.3
        Audio(wave.astype(np.float32)).write_wav(folder / f"{phrase}.wav")
    return folder


def measure(pages: int) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as scratch:
        cache = RenderCache(Path(scratch) / "cache", 500_000_000)
        speaker = Speaker(espeak.EspeakEngine(VoiceSettings()), cache, RULES)
        requests = [PageRequest("customer", name, "先生", "一楼服务台") for name in NAMES]
        if pages >= len(requests):
            raise SystemExit(f"--pages is at most {len(requests) - 1}: every page must be new")
        speaker.page(PageRequest("customer", "欧阳", "女士", "一楼服务台"))  # start the library
        queue = iter(requests)
        render = timed(lambda: speaker.page(next(queue)), pages)
        example = speaker.page(requests[0])
        text = example.text
        settings = VoiceSettings()

        def bare_call(lib: espeak._Library) -> bytes:
            lib.use(settings)
            return lib.synthesize(text)

        def bare() -> None:
            espeak._on_worker(bare_call)

        floor = timed(bare, pages)
        hit = timed(lambda: speaker.page(requests[0]), pages)
        pack_dir = Path(scratch) / "pack"
        pack_dir.mkdir()
        pack = PhraseBank(tone_pack(pack_dir), -20.0)
        banked = Speaker(speaker.engine, RenderCache(Path(scratch) / "c2", 10**9), RULES, pack)
        banked.page(requests[0])  # decode the pack once, as a running daemon has
        queue = iter(requests[1:])
        assembled = timed(lambda: banked.page(next(queue)), pages)
    chars = len(text)
    return {
        f"page render, cache miss ({chars} characters, read twice), {pages} pages": summary(render),
        "reference: bare espeak-ng library call, same text once": summary(floor),
        "cache hit, same page again": summary(hit),
        "page from a phrase bank (only the name synthesised)": summary(assembled),
        "real time: the rendered page airs for": f"{example.duration:.2f} s, "
        f"{example.duration / statistics.median(render):.0f}x the render time",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()
    report("speech_page.py", measure(args.pages), args.record)


if __name__ == "__main__":
    main()
