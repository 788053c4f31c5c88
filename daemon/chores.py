"""The service's wall-clock chores, on APScheduler 3.x in the store's time zone.

The engine alone decides what airs; these only keep the service going around it:

- every 2 s, the heartbeat: written to the store (the bound on an item's true end after a
  crash), the audio's progress sampled, and systemd's watchdog pinged only while audio
  flows (a stuck mixer stops the pings, and systemd restarts the service);
- the pre-opening check (B1) `check_minutes` before opening, after the power-on hook (B2),
  its result kept for the desk's status; also once at start-up;
- the power-off hook after closing (B16), once the closing song has had time to end;
- at 23:50 the next day's plan is built ahead (its speech rendered), for the midnight switch;
- at 03:30 the upkeep: the database checkpointed, expired sessions pruned, caches saved;
- every 10 s, the scripts library looked at: a change (an approval, a file edited by hand)
  is read as the loader reads it and followed from the next song boundary, or its problems
  shown as a failed check while the scripts on air stay.
"""

from __future__ import annotations

import logging
import subprocess
import time
from collections.abc import Callable
from datetime import time as wall_time
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from daemon.accounts import Accounts
from daemon.catalog.load import Catalog
from daemon.catalog.problems import InputError
from daemon.catalog.scripts import load_scripts
from daemon.check import inspect
from daemon.desk import Desk
from daemon.drivers.days import Days
from daemon.library_watch import LibraryWatch
from daemon.notify import Notifier
from daemon.recurrence import format_local
from daemon.store import Store, StoreError
from daemon.views import CheckView

__all__ = ["Chores", "run_hook"]

log = logging.getLogger("mall-pa")

HEARTBEAT_SECONDS = 2.0
LIBRARY_SECONDS = 10.0  # how often the scripts library is looked at for changes
HOOK_TIMEOUT = 30.0
POWER_OFF_AFTER_CLOSING = 10 * 60.0  # seconds


def run_hook(name: str, command: tuple[str, ...]) -> bool:
    """Run a hook command (no shell), wait at most HOOK_TIMEOUT; log how it went."""
    if not command:
        return True
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=HOOK_TIMEOUT)
    except (OSError, subprocess.SubprocessError) as err:
        log.error("hook %s (%s) could not run: %s", name, command[0], err)
        return False
    output = (done.stdout + done.stderr).strip().splitlines()[-3:]
    if done.returncode != 0:
        log.error("hook %s failed (exit %d): %s", name, done.returncode, " / ".join(output))
        return False
    log.info("hook %s done", name)
    return True


class Chores:
    def __init__(
        self,
        catalog: Catalog,
        days: Days,
        desk: Desk,
        store: Store,
        accounts: Accounts,
        notifier: Notifier,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.catalog, self.days, self.desk, self.store = catalog, days, desk, store
        self.accounts, self.notifier, self._clock = accounts, notifier, clock
        zone = catalog.config.store.timezone
        self.scheduler = BackgroundScheduler(timezone=zone, daemon=True)
        self._watch = LibraryWatch(catalog.config.scripts_dir)
        self._library_failed = False

    def start(self) -> None:
        config = self.catalog.config
        service, store = config.service, config.store
        add = self.scheduler.add_job
        add(self.heartbeat, IntervalTrigger(seconds=HEARTBEAT_SECONDS), id="heartbeat")
        check_at = _daily(store.opening, -service.check_minutes * 60)
        add(self.before_opening, check_at, id="before-opening")
        add(self.after_closing, _daily(store.closing, POWER_OFF_AFTER_CLOSING), id="after-closing")
        add(self.tomorrow, CronTrigger(hour=23, minute=50), id="tomorrow")
        add(self.upkeep, CronTrigger(hour=3, minute=30), id="upkeep")
        add(self.library, IntervalTrigger(seconds=LIBRARY_SECONDS), id="library")
        add(self.check, id="check-at-start")  # once, now
        self.scheduler.start()

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    # -- the jobs ----------------------------------------------------------------------------

    def heartbeat(self) -> None:
        flowing = self.days.sample()
        try:
            self.store.heartbeat(self._clock())
        except StoreError as err:
            log.error("heartbeat: %s", err)
        if flowing:
            self.notifier.watchdog()

    def before_opening(self) -> None:
        run_hook("power_on", self.catalog.config.service.power_on)
        self.check()

    def library(self) -> None:
        """The scripts library changed on disk (an approval wrote a file, or someone edited
        one): read as the loader reads it; if it loads, today's schedule follows it from the
        next song boundary (`Days.reload`); if not, the scripts on air stay and the desk's
        check shows every problem, until the files are right again."""
        if not self._watch.changed():
            return
        catalog = self.days.catalog
        config = catalog.config
        try:
            scripts = load_scripts(config.scripts_dir, catalog.media.track,
                                   [z.name for z in config.zones],
                                   [d.name for d in config.dayparts])  # fmt: skip
        except InputError as err:
            failures = tuple(f"scripts library: {p}" for p in err.problems)
            for failure in failures:
                log.error("%s", failure)
            kept = "the scripts on air are those from before the change, until it is fixed"
            zone = config.store.timezone
            self.desk.check = CheckView(format_local(self._clock(), zone), False, failures,
                                        (kept,))  # fmt: skip
            self._library_failed = True
            return
        self.days.reload(scripts)
        log.info("scripts library changed: %d scripts; today's schedule follows it from the "
                 "next song boundary", len(scripts))  # fmt: skip
        if self._library_failed:
            self._library_failed = False
            self.check()  # the problems shown are gone: the whole check again

    def check(self) -> None:
        """B1: every file of today decodes, the voice speaks, the output plays."""
        day = self.days.today()
        try:
            report = inspect(self.days.catalog, self.days.speaker, day)
        except Exception as err:  # a check that crashes is a failed check, not a dead service
            log.exception("the pre-opening check could not run")
            report_failures: tuple[str, ...] = (f"the check could not run: {err}",)
            notes: tuple[str, ...] = ()
        else:
            report_failures, notes = report.failures, report.notes
        ok, problem = self.days.audio_ok()
        failures = report_failures + (() if ok else (f"output: {problem}",))
        zone = self.catalog.config.store.timezone
        self.desk.check = CheckView(
            format_local(self._clock(), zone), not failures, failures, notes
        )
        for failure in failures:
            log.error("CHECK FAILED: %s", failure)
        if not failures:
            log.info("check: every file of %s decodes and the output plays", day)

    def after_closing(self) -> None:
        run_hook("power_off", self.catalog.config.service.power_off)

    def tomorrow(self) -> None:
        self.days.prepare(self.days.today() + timedelta(days=1))

    def upkeep(self) -> None:
        try:
            self.store.checkpoint()
            pruned = self.accounts.prune_sessions()
        except StoreError as err:
            log.error("upkeep: %s", err)
            return
        self.catalog.media.save()
        left = self.days.speaker.cache.prune()
        log.info("upkeep: database checkpointed, %d expired sessions removed, speech cache %.0f MB",
                 pruned, left / 1e6)  # fmt: skip


def _daily(clock: wall_time, shift: float) -> CronTrigger:
    """Every day at the store-local `clock` shifted by `shift` seconds (24:00 is midnight),
    wrapping around midnight: wall-clock arithmetic, no date (and none of the host's)."""
    seconds = 0 if clock == wall_time.max else clock.hour * 3600 + clock.minute * 60
    minutes = int((seconds + shift) // 60) % (24 * 60)
    return CronTrigger(hour=minutes // 60, minute=minutes % 60)
