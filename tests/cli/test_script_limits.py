"""A script's length is bounded (issue 12, item 2): a text of over 1000 characters is a
mistake in its file; an announcement of over 120 s (spoken or recorded) does not air, and
`check` names it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from daemon.catalog.load import load_catalog
from daemon.dayplan import build_day_plan
from daemon.drivers.simulate import simulate
from daemon.speech.speaker import Speaker
from tests.cli.test_cli_errors import run, wav

LONG = """\
id = "long"
kind = "fixed"
title = "很长的播报"
{body}
approved_by = "企划部 王芳"
approved_at = 2026-11-01
slots = ["10:30"]
"""
DAY = "2026-11-23"
DAY_DATE = date(2026, 11, 23)


def test_a_text_of_over_1000_characters_is_named_in_its_file(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = store.parent / "scripts" / "long.toml"
    script.write_text(LONG.format(body=f'text = "{"请勿拆开商品包装。" * 120}"'), encoding="utf-8")
    status, out, err = run(capsys, "check", "--config", str(store), "--date", DAY)
    assert status == 2 and "Traceback" not in out + err
    assert f"{script.name}: text: expected a text of at most 1000 characters, found 1080" in err


def test_an_announcement_of_over_120_s_does_not_air_and_check_names_it(
    store: Path, speaker: Speaker, capsys: pytest.CaptureFixture[str]
) -> None:
    wav(store.parent / "scripts" / "long.wav", 125)
    script = store.parent / "scripts" / "long.toml"
    script.write_text(
        LONG.format(body='audio = "long.wav"\nrecorded_by = "服务台 陈静"'), encoding="utf-8"
    )
    plan, _ = build_day_plan(load_catalog(store), DAY_DATE, speaker)
    assert plan.fixed == ()
    assert not any(e.ref == "long" for e in simulate(plan))
    status, out, _ = run(capsys, "check", "--config", str(store), "--date", DAY)
    assert status == 1
    assert (
        "FAIL: long: its recording lasts 125 s, over the 120 s an announcement may last; it "
        "will not air: shorten it" in out
    )
