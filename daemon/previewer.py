"""The preview process (daemon/preview.py's work): previews are computed in a process of
their own so that they never hold the service's GIL: in the service's own process a full
garbage collection of a preview held the device callback for 54 ms (bench/preview_cost.py).
The process starts on the first preview, at a low priority, and ends after `IDLE` seconds
without one; one preview at a time, the last few answers kept.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from pathlib import Path
from typing import TypeVar

from daemon.catalog.load import Catalog
from daemon.model import Script
from daemon.preview import Preview, TypicalPages, render_break, simulate_days

__all__ = ["IDLE", "PreviewFailed", "Previewer"]

log = logging.getLogger(__name__)

IDLE = 300.0  # seconds without a preview after which its process ends
KEPT = 8  # answers kept
NICE = 15  # the preview process's priority: below the service's decode process (10)
T = TypeVar("T")


class PreviewFailed(Exception):
    """The preview did not answer: its process ended (killed, out of memory) or it failed
    (logged with its traceback); the next preview starts a new process if need be."""


class Previewer:
    """Previews against `catalog()` (the service's, as now loaded: its config and library);
    the rendered breaks go into `folder`."""

    def __init__(self, catalog: Callable[[], Catalog], folder: Path) -> None:
        self._catalog, self._folder = catalog, folder
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._busy = 0
        self._idle: threading.Timer | None = None
        self._kept: dict[object, Preview] = {}

    def days(self, candidate: Script, first: date, pages: TypicalPages) -> Preview:
        """The candidate simulated over its dates from `first`. Raises PreviewFailed."""
        catalog = self._catalog()
        key = (candidate, first, pages, catalog.scripts)
        with self._lock:
            kept = self._kept.get(key)
        if kept is None:
            kept = self._run(simulate_days, catalog, candidate, first, pages)
            with self._lock:
                self._kept[key] = kept
                while len(self._kept) > KEPT:
                    del self._kept[next(iter(self._kept))]
        return kept

    def listen(self, preview: Preview) -> Path | None:
        """A WAV of the break of the candidate's first play in `preview`, from `LEAD` seconds
        before it to `LEAD` after (None: it airs on none of the days). Raises PreviewFailed."""
        return self._run(render_break, self._catalog(), preview, self._folder)

    def close(self) -> None:
        """End the preview process (the service stops)."""
        with self._lock:
            pool, self._pool = self._pool, None
            if self._idle is not None:
                self._idle.cancel()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def _run(self, work: Callable[..., T], catalog: Catalog, *args: object) -> T:
        with self._lock:
            if self._pool is None:
                with contextlib.suppress(OSError):  # the child reads the measurements from it
                    catalog.media.save()
                spawn = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(1, spawn, _lower_priority)
            pool = self._pool
            self._busy += 1
        try:
            return pool.submit(work, catalog.config.file, catalog.scripts, *args).result()
        except (BrokenProcessPool, RuntimeError) as err:  # killed, or shut down meanwhile
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            log.error("the preview process ended before it answered (%s)", err)
            raise PreviewFailed("the preview process ended before it answered") from None
        except Exception:  # a bug in the preview, or the store's files broken since the start
            log.exception("a preview failed (%s)", work.__name__)
            raise PreviewFailed("the preview failed: see the service's log") from None
        finally:
            with self._lock:
                self._busy -= 1
                if self._idle is not None:
                    self._idle.cancel()
                self._idle = threading.Timer(IDLE, self._retire)
                self._idle.name, self._idle.daemon = "preview-idle", True
                self._idle.start()

    def _retire(self) -> None:
        with self._lock:
            if self._busy or self._pool is None:
                return
            pool, self._pool = self._pool, None
        pool.shutdown(wait=False)


def _lower_priority() -> None:
    """The preview process gives way to the service (its audio, decoding and requests)."""
    with contextlib.suppress(OSError):
        os.nice(NICE)
