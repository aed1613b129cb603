"""``ytw demo``, the main job, as a user runs it (reports left out: the reports tests build
them): two pipeline runs against the emulator an hour apart, every answer taken as a capture
time (none refused as dated ahead of this machine's clock), two captures in the history."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from extract.database import ConnectionInfo
from tests.conftest import query

pytestmark = pytest.mark.slow

YTW = str(Path(sys.executable).with_name("ytw"))


def test_the_demo_captures_twice_an_hour_apart(warehouse: ConnectionInfo, tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": warehouse.url, "TUBEWAREHOUSE_HOME": str(tmp_path)}
    for name in ("PREFECT_API_URL", "YOUTUBE_API_URL", "YOUTUBE_API_KEY"):
        env.pop(name, None)
    done = subprocess.run(
        [YTW, "demo", "--no-reports"], env=env, capture_output=True, text=True, timeout=600
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert "demo finished" in output
    assert "not used; capture time" not in output  # no answer dated in the future
    # each run's first page: an hour apart, plus however long the first run took
    starts = [
        row[0]
        for row in query(
            warehouse,
            "select min(captured_at) from raw_youtube.pages group by run_id order by 1",
        )
    ]
    assert len(starts) == 2, starts
    assert 60 * 60 <= (starts[1] - starts[0]).total_seconds() <= 70 * 60, starts
    (stored,) = query(
        warehouse,
        "select count(distinct date_trunc('hour', captured_at)), max(captured_at) <= now()"
        " from marts.video_stats",
    )
    assert stored[0] >= 2 and stored[1], stored  # both in the history, none in the future
