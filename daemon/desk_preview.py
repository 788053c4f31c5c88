"""Previews at the desk (B5, B6): a script version simulated over its dates with the current
schedule and the store's typical pages, and the break it would air in, to listen to.

The version's fields are checked as approval checks them (a script with problems is refused
with each problem, `BadFile`); the typical pages are those of the last `HISTORY_DAYS` days
in the store (`TypicalPages.from_history`). A preview reads only: nothing is stored, nothing
airs. Without a previewer (a service that cannot plan days) both answer Unavailable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from daemon.desk_scripts import ScriptsDesk
from daemon.model import Instant, Script
from daemon.preview import Loss, Preview, TypicalPages
from daemon.previewer import Previewer, PreviewFailed
from daemon.recurrence import local_instant
from daemon.store import Store
from daemon.views import (
    Conflict,
    LossView,
    PreviewDayView,
    PreviewView,
    Unavailable,
    User,
)

__all__ = ["HISTORY_DAYS", "PreviewDesk"]

HISTORY_DAYS = 14
_WEEKDAYS = "一二三四五六日"


class PreviewDesk:
    def __init__(
        self,
        store: Store,
        scripts: ScriptsDesk,
        previewer: Previewer | None,
        clock: Callable[[], float],
        zone: Callable[[], ZoneInfo],
    ) -> None:
        self.store, self.scripts, self.previewer = store, scripts, previewer
        self._clock, self._zone = clock, zone

    def preview(self, user: User, version_id: int) -> PreviewView:
        """The version simulated day by day from today over its dates."""
        record, script = self.scripts.candidate(version_id)
        preview = self._preview(script)
        zone = self._zone()
        days = tuple(
            PreviewDayView(
                d.day.isoformat(), f"周{_WEEKDAYS[d.day.weekday()]}", d.asked, d.airs, d.held,
                tuple(_clock(t, zone) for t in d.times), tuple(_loss(x) for x in d.losses),
                d.note,
            )
            for d in preview.days
        )  # fmt: skip
        return PreviewView(
            record.id, script.id, script.title, script.kind.value, days, preview.more_days,
            preview.pages.basis, sum(d.asked for d in preview.days),
            sum(d.airs for d in preview.days),
            sum(d.held in ("short", "none") for d in preview.days), _total_losses(preview),
            tuple(_warnings(preview)), any(d.times for d in preview.days),
        )  # fmt: skip

    def listen(self, user: User, version_id: int) -> Path:
        """A WAV of the break of its first play, the music either side. Raises Conflict when
        it airs on none of the days."""
        _, script = self.scripts.candidate(version_id)
        preview = self._preview(script)
        try:
            path = self._previewer().listen(preview)
        except PreviewFailed:
            raise _failed() from None
        if path is None:
            raise Conflict("never_airs", "预览的日子里它一次也播不出,没有可以试听的插播。")
        return path

    # -- helpers -----------------------------------------------------------------------------

    def _previewer(self) -> Previewer:
        if self.previewer is None:
            raise Unavailable("no_preview", "这台服务不能模拟播出日,无法预览:请通知 IT。")
        return self.previewer

    def _preview(self, script: Script) -> Preview:
        previewer, zone = self._previewer(), self._zone()
        today = datetime.fromtimestamp(self._clock(), zone).date()
        since = local_instant(today - timedelta(days=HISTORY_DAYS), datetime.min.time(), zone)
        offsets = []
        for at, seconds in self.store.page_times(since):
            local = datetime.fromtimestamp(at, zone)
            if local.date() < today:
                offsets.append((local.hour * 3600 + local.minute * 60 + local.second, seconds))
        pages = TypicalPages.from_history(offsets, HISTORY_DAYS)
        try:
            return previewer.days(script, today, pages)
        except PreviewFailed:
            raise _failed() from None


def _failed() -> Unavailable:
    return Unavailable("preview_failed", "预览没有算完(预览的进程意外结束):请再试一次,"
                       "还不行请通知 IT。")  # fmt: skip


def _warnings(preview: Preview) -> list[str]:
    """What the days cannot hold, in Chinese, before anyone approves it."""
    out = []
    shown = [d for d in preview.days if d.held != "off"]
    none = [d for d in shown if d.held == "none"]
    short = [d for d in shown if d.held == "short"]
    if none:
        out.append(f"有 {len(none)} 天一次也播不出(例如 {none[0].day}):检查时段和频率。")
    if short:
        worst = min(short, key=lambda d: d.airs / d.asked)
        out.append(
            f"有 {len(short)} 天播不够它要的次数(最少的 {worst.day}:要 {worst.asked} 次,"
            f"只播 {worst.airs} 次):每次插播的条数、活动之间的间隔和别的活动都占位置。"
        )
    if not shown:
        out.append("预览的日子里它都不播出(看星期几和日期)。")
    if preview.more_days:
        out.append(f"只模拟了前 {len(preview.days)} 天,后面还有 {preview.more_days} 天。")
    return out


def _clock(at: Instant, zone: ZoneInfo) -> str:
    return datetime.fromtimestamp(at, zone).strftime("%H:%M")


def _loss(loss: Loss) -> LossView:
    return LossView(loss.script_id, loss.title, loss.without, loss.with_it)


def _total_losses(preview: Preview) -> tuple[LossView, ...]:
    without: Counter[str] = Counter()
    with_it: Counter[str] = Counter()
    titles = {}
    for day in preview.days:
        for loss in day.losses:
            without[loss.script_id] += loss.without
            with_it[loss.script_id] += loss.with_it
            titles[loss.script_id] = loss.title
    return tuple(
        LossView(ref, titles[ref], without[ref], with_it[ref])
        for ref in sorted(titles, key=lambda r: with_it[r] - without[r])
    )
