"""``python -m emulator``: flags, the one-line banner, serving, clean stop on SIGTERM."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path
from urllib.request import urlopen

import pytest

from emulator.__main__ import build_parser, main

from .conftest import raw_get, running_cli


def test_serves_until_sigterm() -> None:
    with running_cli(
        "--port", "0", "--small", "--frozen", "--start", "2026-11-02T12:00:00Z", "--seed", "42"
    ) as banner:
        match = re.search(r"at (http://127\.0\.0\.1:\d+) channels=(\S+) regions=(\S+)", banner)
        assert match, banner
        url, channels, regions = match.groups()
        assert regions == "US,GB,JP"
        with urlopen(url + "/emulator/world", timeout=10) as response:
            summary = json.load(response)
        assert channels.split(",") == summary["tracked_channel_ids"]
        with urlopen(url + "/emulator/clock", timeout=10) as response:
            assert json.load(response)["now"] == "2026-11-02T12:00:00Z"


def test_busy_port_is_reported() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--port", str(port), "--small"]) == 1


def test_fault_and_quota_flags_are_parsed(tmp_path: Path) -> None:
    rules = tmp_path / "faults.json"
    rules.write_text(json.dumps([{"kind": "error", "status": 503, "times": 2}]))
    args = build_parser().parse_args(["--faults", str(rules), "--daily-quota", "50"])
    assert args.daily_quota == 50
    assert [(f.kind, f.status, f.reason, f.times) for f in args.faults] == [
        ("error", 503, "backendError", 2)
    ]
    defaults = build_parser().parse_args([])
    assert (defaults.faults, defaults.daily_quota) == ([], None)
    rules.write_text('[{"kind": "error"}]')
    for bad in (["--faults", str(rules)], ["--faults", str(tmp_path / "missing.json")],
                ["--daily-quota", "-3"], ["--daily-quota", "lots"]):  # fmt: skip
        with pytest.raises(SystemExit):
            build_parser().parse_args(bad)


def test_starts_with_faults_and_a_daily_quota(tmp_path: Path) -> None:
    rules = tmp_path / "faults.json"
    rules.write_text(json.dumps([{"kind": "error", "reason": "backendError", "times": 1}]))
    with running_cli(
        "--port", "0", "--small", "--frozen", "--start", "2026-11-02T12:00:00Z",
        "--faults", str(rules), "--daily-quota", "2",
    ) as banner:  # fmt: skip
        match = re.search(r"at (http://127\.0\.0\.1:\d+) .* daily_quota=2 faults=1$", banner)
        assert match, banner
        url = match.group(1) + "/youtube/v3/i18nRegions?part=snippet&key=k"
        assert [raw_get(url)[0].status for _ in range(3)] == [500, 200, 403]


def test_bucket_and_method_flags_are_parsed() -> None:
    defaults = build_parser().parse_args([])
    assert (defaults.stats_daily_quota, defaults.search_daily_quota) == (10_000, None)
    assert (defaults.batch_stats, defaults.search, defaults.videos) == (True, False, None)
    args = build_parser().parse_args(
        ["--stats-daily-quota", "5", "--search-daily-quota", "300", "--no-batch-stats",
         "--search", "--videos", "100_000"]
    )  # fmt: skip
    assert (args.stats_daily_quota, args.search_daily_quota) == (5, 300)
    assert (args.batch_stats, args.search, args.videos) == (False, True, 100_000)
    for bad in (["--videos", "99"], ["--stats-daily-quota", "-1"]):
        with pytest.raises(SystemExit):
            build_parser().parse_args(bad)
    assert main(["--small", "--videos", "1000"]) == 2


def test_serves_a_large_world_with_a_stats_bucket() -> None:
    with running_cli(
        "--port", "0", "--frozen", "--start", "2026-11-02T12:34:56Z", "--videos", "2000",
        "--stats-daily-quota", "1",
    ) as banner:  # fmt: skip
        match = re.search(r"at (http://127\.0\.0\.1:\d+) .* videos=2000$", banner)
        assert match, banner
        url = match.group(1)
        with urlopen(url + "/emulator/world", timeout=10) as response:
            summary = json.load(response)
        assert summary["counts"]["videos"] == 2000 and summary["as_of"] == "2026-11-02T12:00:00Z"
        ids = ",".join(summary["tracked_channel_ids"])
        stats = f"{url}/youtube/v3/videos:batchGetStats?part=id&key=k&id={ids}"
        assert [raw_get(stats)[0].status for _ in range(2)] == [200, 403]


def test_serves_without_batch_stats() -> None:
    with running_cli("--port", "0", "--small", "--frozen", "--no-batch-stats") as banner:
        url = re.search(r"at (http://127\.0\.0\.1:\d+) ", banner).group(1)
        response, _ = raw_get(f"{url}/youtube/v3/videos:batchGetStats?part=id&id=x&key=k")
        assert response.status == 404
