"""A model for bench/callback_worst.py: the callback's tail if decoding ran in another process.

    python bench/callback_decoding_elsewhere.py [callback_worst.py's options]

callback_worst.py, unchanged, except that the decode thread decodes nothing: each file is
decoded and levelled (levels.at_level: scaled or limited) whole into memory the first time
a feed asks for it at a level, and every feed of it is then copied from there, as a decode
thread would copy from rings that another process fills. The callback then shares the GIL
with the follower, the driver and a thread that copies, which is what decoding in a child
process would leave. A model, not the service: the first use of each file and level decodes
the whole file on the decode thread (its underruns are the model's, not the callback's),
and the memory grows with every file played. Nothing is recorded in bench/RESULTS.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bench.callback_worst as worst  # noqa: E402
from daemon.audio import feed  # noqa: E402
from daemon.audio.decode import Decoder  # noqa: E402
from daemon.audio.format import CHANNELS, DTYPE, Block  # noqa: E402
from daemon.audio.levels import Level, at_level  # noqa: E402

_whole: dict[tuple[str, Level], Block] = {}


def _decoded(path: Path, level: Level) -> Block:
    """The whole file at `level`, decoded the first time it is asked for."""
    key = (str(path), level)
    if key not in _whole:
        source = at_level(Decoder(path), level)
        blocks = []
        while len(block := source.read(1 << 16)):
            blocks.append(block.copy())
        source.close()
        _whole[key] = np.concatenate(blocks) if blocks else np.zeros((0, CHANNELS), DTYPE)
    return _whole[key]


class InMemory:
    """What the feed takes for a Decoder and its level: frames copied from `_decoded`."""

    def __init__(self, path: Path, start_frame: int = 0, loop: bool = False) -> None:
        Decoder(path).close()  # a missing or damaged file fails here, as it would
        self.path, self.at, self.loop = path, start_frame, loop
        self.level: Level | None = None

    def read_into(self, out: Block) -> int:
        assert self.level is not None
        frames = _decoded(self.path, self.level)
        done = 0
        while done < len(out):
            if self.at >= len(frames):
                if not self.loop or not len(frames):
                    break
                self.at = 0
            take = min(len(out) - done, len(frames) - self.at)
            out[done : done + take] = frames[self.at : self.at + take]
            done, self.at = done + take, self.at + take
        return done

    def close(self) -> None:
        pass


def _at_level(decoder: InMemory, level: Level) -> InMemory:
    decoder.level = level
    return decoder


def main() -> None:
    if "--record" in sys.argv:
        raise SystemExit("a model: its results are not recorded (read them, quote them)")
    # the bench's timed Decoder, put into the feed module while it runs, derives from this one
    with worst.patched(worst, "Decoder", InMemory), worst.patched(feed, "at_level", _at_level):
        worst.main()


if __name__ == "__main__":
    main()
