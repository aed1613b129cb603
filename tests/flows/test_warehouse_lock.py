"""One writer at a time: a dbt command started while another process holds the warehouse
lock (a pipeline run, another dbt command) says it waits, waits, and runs once released."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from extract import database
from flows import transform
from tests.conftest import waiting_on_the_lock

pytestmark = pytest.mark.slow

YTW = str(Path(sys.executable).with_name("ytw"))


def test_ytw_dbt_build_waits_for_the_lock_held_by_another_process(built) -> None:
    env = {**os.environ, "DATABASE_URL": built.url}
    lines: list[str] = []
    said_waiting = threading.Event()

    def read(stream) -> None:  # noqa: ANN001
        for line in stream:
            lines.append(line)
            if "waiting for it to finish" in line:
                said_waiting.set()

    # the holder: another connection, as a pipeline run in another process would be
    with database.pipeline_lock(built):
        proc = subprocess.Popen(
            [YTW, "dbt", "--", "build", "--select", "stg_youtube__channels"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        reader = threading.Thread(target=read, args=(proc.stdout,), daemon=True)
        reader.start()
        try:
            assert said_waiting.wait(120), "".join(lines)
            time.sleep(3)
            assert proc.poll() is None  # still waiting: nothing was built meanwhile
            assert waiting_on_the_lock(built) == 1
            assert not any("Completed successfully" in line for line in lines)
        except BaseException:
            proc.kill()
            raise
    assert proc.wait(timeout=300) == 0, "".join(lines)
    reader.join(timeout=10)
    output = "".join(lines)
    (line,) = [x for x in lines if "waiting for it to finish" in x]
    assert "dbt build --select stg_youtube__channels" in line
    assert "Completed successfully" in output
    assert waiting_on_the_lock(built) == 0


def test_only_commands_that_touch_the_warehouse_take_the_lock() -> None:
    for args in (["build"], ["run-operation", "x"], ["docs", "generate"], ["test", "-s", "x"]):
        assert transform.needs_lock(args), args
    for args in ([], ["--help"], ["build", "--help"], ["--version"], ["parse"], ["deps"]):
        assert not transform.needs_lock(args), args
    assert not transform.needs_lock(["docs", "serve", "--port", "8080"])  # serves for hours
