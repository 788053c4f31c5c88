"""No traceback reaches a person (issue 12, item 9): every subcommand, over a table of bad
arguments, ends in a message and a documented exit status; a reader that goes away ends the
output quietly; a bug is one line with its details in a file."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from daemon import __main__ as cli

ROOT = Path(__file__).resolve().parents[2]
STATUSES = {1, 2}  # check failed; a mistake in the arguments or the files

# {config}: the minimal store's config, {tmp}: a scratch folder, {fifo}: a named pipe there
BAD = [
    "simulate --config {config} --date 9999-12-31",
    "simulate --config {config} --date 0001-01-01",
    "simulate --config {config} --date 2026-02-30",
    "simulate --config {config} --format pdf",
    "simulate --config {tmp}/nothing.toml",
    "simulate --config {tmp}",
    "simulate --config {fifo}",
    "simulate --config /dev/null",
    "simulate --config {config} --events {tmp}/none.jsonl",
    "simulate --config {config} --events {fifo}",
    "check --config {config} --date 9999-12-31",
    "check --config {tmp}/nothing.toml",
    "render --config {config} --date 2026-11-23 --from 25:00 --out {tmp}/x.wav",
    "render --config {config} --date 2026-11-23 --from 10:30 --to 10:00 --out {tmp}/x.wav",
    "render --config {config} --date 2026-11-23 --out {tmp}",
    "render --config {config} --date 2026-11-23 --out {fifo}",
    "run --config {config} --seconds nan",
    "run --config {config} --seconds inf",
    "run --config {config} --seconds -5",
    "run --config {config} --seconds 1 --device NoSuchCard",
    "speak --out {tmp}/x.wav",
    "speak 你好 --out {tmp}/x.wav --repeat 1000",
    "speak 你好 --out {fifo}",
    "speak '' --out {tmp}/x.wav",
    "speak " + "好" * 5000 + " --out {tmp}/x.wav",
    "page --kind staff --name 张 --honorific 经理 --place 一楼服务台 --out {tmp}/x.wav",
    "page --kind nobody --out {tmp}/x.wav",
    "user add 王芳 --config {config}",
    "user add 王芳 --role emperor --config {config}",
    "user disable nobody --config {config}",
    "user list --config {tmp}/nothing.toml",
    "nonsense",
    "",
]


@pytest.mark.parametrize("line", BAD, ids=[b[:60] for b in BAD])
def test_bad_arguments_end_in_a_message_and_a_documented_status(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str
) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    argv = shlex.split(line.format(config=store, tmp=tmp_path, fifo=pipe))
    try:
        status = cli.main(argv)
    except SystemExit as stop:  # argparse: usage and exit 2
        status = int(stop.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert status in STATUSES, (status, err[-500:])
    said = [s for s in err.splitlines() if s.strip()]
    assert said and said[0].startswith(("mall-pa", "usage: mall-pa")), err


def test_a_reader_that_goes_away_ends_the_output_quietly(store: Path) -> None:
    mall_pa = Path(sys.executable).parent / "mall-pa"
    # the reader closes its end at once, before mall-pa writes (with `| head -1`, the whole
    # timeline could fit in the pipe before head ended, and whether it did was a race)
    command = f"'{mall_pa}' simulate --config '{store}' --date 2026-11-23 | (exec 0<&-; true)"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=120
    )
    assert done.stderr == ""
    assert done.returncode == cli.BROKEN_PIPE


def test_a_bug_is_one_line_and_its_details_are_kept(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], store: Path
) -> None:
    def broken(*_: object) -> int:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(cli, "_simulate", broken)
    assert cli.main(["simulate", "--config", str(store), "--date", "2026-11-23"]) == cli.BUG
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith("mall-pa: unexpected error, a bug in mall-pa: ZeroDivisionError: a bug.")
    kept = Path(err.split("The details are in ")[1].split(":")[0])
    assert "Traceback" in kept.read_text(encoding="utf-8") and "_simulate" not in err
    kept.unlink()
