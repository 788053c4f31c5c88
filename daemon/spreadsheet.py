"""CSV files for a spreadsheet on a Chinese Windows PC (Excel): UTF-8 with a BOM, CRLF, and
no cell a spreadsheet would run as a formula. Pure."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

__all__ = ["FORMULA_START", "spreadsheet_csv"]

FORMULA_START = ("=", "+", "-", "@")
"""How a cell starts that a spreadsheet would run as a formula."""


def spreadsheet_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """The rows as a CSV file's bytes; a cell starting with FORMULA_START gets a leading '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def _cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
