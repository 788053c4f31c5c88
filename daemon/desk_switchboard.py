"""The desk's switchboard reference: the greeting (S1) and the staff directory (S2, S5).

The directory lives in the store as the CSV file an admin last imported (both ways exact:
`daemon.switchboard.directory_csv`); the search index is built from it once and again after
each import. An import with any bad row takes nothing: the report names every row, column,
what was expected and what was found, and the directory stays as it was.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from datetime import time as dt_time

from daemon.model import DayPlan
from daemon.store import Store
from daemon.switchboard.directory import Directory, Match, format_hours
from daemon.switchboard.directory_csv import read_directory_csv, write_directory_csv
from daemon.switchboard.greeting import greeting
from daemon.switchboard.people import LANGUAGE_NAMES
from daemon.switchboard.phrases import phrase_for
from daemon.views import (
    BadFile,
    DirectoryEntryView,
    ForeignCallView,
    GreetingView,
    NotFound,
    ProblemView,
    Refused,
    User,
)

__all__ = ["SwitchboardDesk", "entry_view"]

MAX_RESULTS = 50


class SwitchboardDesk:
    def __init__(
        self,
        store: Store,
        store_name: str,
        morning_until: dt_time,
        clock: Callable[[], float],
        plan: Callable[[], DayPlan],
    ) -> None:
        self.store, self._name, self._morning_until = store, store_name, morning_until
        self._clock, self._plan = clock, plan
        self._lock = threading.Lock()
        self._directory: Directory | None = None  # built on first use, from the store

    def greeting(self, at: datetime | None = None) -> GreetingView:
        """S1: the phrase to answer an outside call with at `at` (default: now)."""
        zone = self._plan().zone
        when = datetime.fromtimestamp(self._clock(), zone) if at is None else at
        said = greeting(when, self._name, self._morning_until, zone)
        return GreetingView(said.text, said.morning, said.changes_at.isoformat(timespec="seconds"))

    def search(self, query: str, limit: int = 20) -> list[DirectoryEntryView]:
        """People for `query` (name, pinyin or initials, extension, department, duty,
        language), the best first, on duty before off duty at equal rank."""
        now = datetime.fromtimestamp(self._clock(), self._plan().zone)
        found = self._index().search(query, now, min(limit, MAX_RESULTS), include_internal=True)
        return [entry_view(m) for m in found]

    def foreign_call(self, language: str) -> ForeignCallView:
        """S5: the phrase for `language` and who speaks it, on duty first."""
        said = phrase_for(language)
        if said is None:
            known = "、".join(names[0] for code, names in LANGUAGE_NAMES.items() if code != "zh")
            raise NotFound("no_language", f"不认识「{language}」这种语言(可选:{known})。")
        now = datetime.fromtimestamp(self._clock(), self._plan().zone)
        found = self._index().speakers(said.code, now, include_internal=True)
        speakers = tuple(entry_view(m) for m in found[:MAX_RESULTS])
        return ForeignCallView(said.code, said.language, said.english, said.native, speakers)

    def import_csv(self, user: User, data: bytes, address: str) -> int:
        """Replace the directory with the CSV `data`; how many people it holds. BadFile
        (nothing taken) when any row is wrong."""
        people, problems = read_directory_csv(data, "directory.csv")
        if problems:
            raise BadFile(
                "bad_rows",
                f"通讯录文件有 {len(problems)} 处错误,没有导入任何内容;请按提示改正后重新导入。",
                tuple(ProblemView(p.where, p.expected, p.found, p.hint) for p in problems),
            )
        if not people:
            raise Refused("empty_directory", "通讯录文件里没有人员:没有导入。", "body")
        directory = Directory(people)
        now = self._clock()
        with self._lock:
            self.store.set_directory_csv(write_directory_csv(people), now, user.name)
            self._directory = directory
        self.store.audit(now, user.name, address, "directory_import", "", {"people": len(people)})
        return len(people)

    def export_csv(self, user: User, address: str) -> bytes:
        """The directory as a CSV file (UTF-8 with BOM, as Excel on a Chinese PC opens it)."""
        self.store.audit(self._clock(), user.name, address, "directory_export", "")
        return write_directory_csv(self._index().people)

    def _index(self) -> Directory:
        with self._lock:
            if self._directory is None:
                data = self.store.directory_csv()
                people = read_directory_csv(data, "directory.csv")[0] if data else []
                self._directory = Directory(people)
            return self._directory


def entry_view(match: Match) -> DirectoryEntryView:
    """A match as the API shows it."""
    p = match.person
    return DirectoryEntryView(
        p.id, p.name, p.extension, p.department, p.duties, p.languages,
        format_hours(p.hours), match.on_duty, p.internal, p.note, match.why, match.matched,
    )  # fmt: skip
