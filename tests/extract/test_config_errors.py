"""Bad keys and bad configuration: one readable line that says what to do, no traceback, the
key nowhere (logs, messages, the database), and no quota spent on what cannot work."""

from __future__ import annotations

import logging
import socket

import pytest

from emulator import Clock, EmulatorServer, Fault, World
from extract.errors import protect_logs
from extract.run import run_extract
from extract.settings import ConfigError, Settings
from tests.conftest import EMULATOR_START
from tests.extract.faultkit import (
    KEY,
    env_for,
    extract_cli,
    fast,
    ids,
    ledger,
    run_row,
    tables_containing,
)

pytestmark = pytest.mark.usefixtures("key_never_logged")


def zz_probe() -> Fault:
    """Counts the calls that name region ZZ (a 1 ms delay changes nothing else)."""
    return Fault(kind="slow", delay_seconds=0.001, params={"regionCode": "ZZ"})


def failure_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.lstrip().startswith("failed:")]


def test_invalid_key_stops_at_once_and_says_what_to_do(small_paged_world, warehouse) -> None:
    with EmulatorServer(
        small_paged_world, Clock(EMULATOR_START, frozen=True), api_key="the-real-key"
    ) as server:
        result = run_extract(fast(server), warehouse, run_id="r1")
        done = extract_cli(env=env_for(server, warehouse))

    assert result.status == "failed"
    (line,) = result.failures
    assert line.startswith("channels.list: HTTP 400 API_KEY_INVALID: the API key is invalid")
    assert "check YOUTUBE_API_KEY" in line and "Credentials" in line
    # one request, refused for free; nothing else was tried
    assert ledger(warehouse, "r1") == [
        ("channels.list", "channels", 0, 400, "API_KEY_INVALID", EMULATOR_START.date())
    ]
    assert run_row(warehouse, "r1") == ("failed", line, 0)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert failure_lines(done.stderr) == [f"  failed: {line}"]
    assert KEY not in done.stdout + done.stderr + str(result)
    assert tables_containing(warehouse, KEY) == []


def test_api_not_enabled_for_the_key_says_how_to_enable_it(paged, warehouse) -> None:
    paged.faults.add(Fault(kind="error", reason="accessNotConfigured"))

    result = run_extract(fast(paged), warehouse, run_id="r1")

    (line,) = result.failures
    assert result.status == "failed"
    assert "HTTP 403 accessNotConfigured" in line and "not enabled for this key's project" in line
    assert "YouTube Data API v3 > Enable" in line
    assert [r[2:5] for r in ledger(warehouse, "r1")] == [(0, 403, "accessNotConfigured")]
    assert KEY not in str(result) and tables_containing(warehouse, KEY) == []


def test_unknown_channel_id_is_named_and_the_others_land(paged, warehouse) -> None:
    unknown = "UC" + "x" * 22
    real = paged.world.tracked_channel_ids[0]

    done = extract_cli(env=env_for(paged, warehouse, YOUTUBE_CHANNEL_IDS=f"{real},{unknown}"))

    assert done.returncode == 1 and "Traceback" not in done.stderr
    (line,) = failure_lines(done.stderr)
    assert unknown in line and "YOUTUBE_CHANNEL_IDS" in line
    assert ids(warehouse, "channels") == {real}
    assert ids(warehouse, "playlist_items")  # the known channel was crawled


def test_unknown_region_is_named_and_costs_nothing(paged, warehouse) -> None:
    (probe,) = paged.faults.add(
        Fault(kind="slow", delay_seconds=0.001, params={"regionCode": "ZZ"})
    )

    result = run_extract(fast(paged, regions=["US", "ZZ"]), warehouse, run_id="r1")

    assert result.status == "failed"
    (line,) = result.failures
    assert (
        line.startswith("region ZZ is not a region YouTube supports") and "YOUTUBE_REGIONS" in line
    )
    assert probe.matched == 0  # known from i18nRegions: not one call for ZZ
    regions = {r[0] for r in ledger(warehouse, "r1")}
    assert "videoCategories.list" in regions
    charts = ids(warehouse, "most_popular_videos")
    assert charts  # US still landed


def test_unknown_region_without_i18n_regions_fails_on_the_api_answer(paged, warehouse) -> None:
    paged.faults.add(Fault(kind="error", status=503, method="i18nRegions.list"))
    (probe,) = paged.faults.add(
        Fault(kind="slow", delay_seconds=0.001, params={"regionCode": "ZZ"})
    )

    result = run_extract(fast(paged, regions=["US", "ZZ"], retry_attempts=2), warehouse)

    assert result.status == "failed"
    i18n, region = result.failures
    assert i18n.startswith("i18nRegions.list: HTTP 503")
    assert region.startswith("videoCategories.list ZZ: HTTP 400 invalidRegionCode")
    assert "check YOUTUBE_REGIONS" in region
    assert probe.matched == 1  # its chart was not asked for after that


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("YOUTUBE_DAILY_QUOTA", "0"),
        ("YOUTUBE_DAILY_QUOTA", "lots"),
        ("YOUTUBE_RETRY_ATTEMPTS", "-1"),
        ("YOUTUBE_RETRY_MAX_SECONDS", "soon"),
        ("YOUTUBE_REFERENCE_REFRESH_HOURS", "-2"),
        ("YOUTUBE_TIMEOUT_SECONDS", "0"),
        ("YOUTUBE_API_URL", "localhost:8765"),
    ],
)
def test_bad_numbers_and_urls_are_configuration_errors(name: str, value: str) -> None:
    env = {"YOUTUBE_API_KEY": "k", "YOUTUBE_CHANNEL_IDS": "UC" + "a" * 22, name: value}
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(env)
    assert name in str(caught.value) and "\n" not in str(caught.value)


def test_settings_defaults() -> None:
    settings = Settings.from_env({"YOUTUBE_API_KEY": "k", "YOUTUBE_CHANNEL_IDS": "UC" + "a" * 22})
    assert settings.daily_quota == 10_000
    assert settings.reference_refresh_hours == 24
    assert (settings.retry_attempts, settings.retry_max_seconds) == (5, 120)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_api_is_one_line_naming_the_url(warehouse) -> None:
    world = World.small()
    with EmulatorServer(world, Clock(EMULATOR_START, frozen=True)) as server:
        env = env_for(server, warehouse)
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    env["YOUTUBE_API_URL"] = url

    done = extract_cli("--run-id", "r1", env=env)

    assert done.returncode == 1 and "Traceback" not in done.stderr
    (line,) = failure_lines(done.stderr)
    assert f"cannot reach the YouTube API at {url}" in line
    assert "connectionRefused" in line and "tried 3 times" in line and "YOUTUBE_API_URL" in line
    # the run stopped there: 3 attempts of its first call, none of them charged
    assert [r[2:5] for r in ledger(warehouse, "r1")] == [(0, None, "connectionRefused")] * 3
    assert run_row(warehouse, "r1")[0] == "failed"


def test_log_records_and_tracebacks_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    protect_logs(KEY)
    log = logging.getLogger("googleapiclient.discovery")
    log.debug("URL being requested: GET https://x/youtube/v3/videos?id=a&key=%s&alt=json", KEY)
    try:
        raise RuntimeError(f"<HttpError 400 when requesting https://x/v3/videos?key={KEY}>")
    except RuntimeError:
        logging.getLogger("anything").exception("failed")
    formatted = "\n".join(logging.Formatter().format(record) for record in caplog.records)
    assert KEY not in formatted
    assert "key=REDACTED" in formatted
