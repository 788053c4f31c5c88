"""What every benchmark shares: the machine line and the results table, printed or recorded."""

from __future__ import annotations

import datetime
import platform
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    """CPU model, core count and Python version of this machine."""
    lines = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((x.split(":", 1)[1].strip() for x in lines if x.startswith("model name")), "?")
    cores = sum(x.startswith("processor") for x in lines)
    return f"{cpu}, {cores} cores, Python {platform.python_version()}"


def report(script: str, results: dict[str, str], record: bool) -> None:
    """Print the results as a dated table; with `record`, also append it to RESULTS.md."""
    lines = [f"### {script}, {datetime.date.today()}", "", f"Machine: {machine()}", ""]
    lines += ["| measure | result |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in results.items()]
    text = "\n".join(lines) + "\n"
    print(text)
    if record:
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write("\n" + text)
