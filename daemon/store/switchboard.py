"""The switchboard's records: the staff directory, kept as the very CSV file it was last
imported from (`daemon.switchboard.directory_csv` reads and writes it, exactly, both ways),
so that what an admin exports is what they imported, and one import replaces the whole
directory in one transaction."""

from __future__ import annotations

from daemon.store.db import Database

__all__ = ["SwitchboardStore"]


class SwitchboardStore(Database):
    """The directory (mixed into `Store`)."""

    def directory_csv(self) -> bytes | None:
        """The directory as last imported, None before the first import."""
        with self._read() as conn:
            row = conn.execute("SELECT csv FROM directory WHERE id = 1").fetchone()
        return None if row is None else bytes(row[0])

    def set_directory_csv(self, data: bytes, at: float, by: str) -> None:
        """Replace the whole directory (a checked CSV file, written as it is)."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO directory (id, csv, updated_at, updated_by) VALUES (1, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET csv = excluded.csv,"
                " updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                (data, at, by),
            )
