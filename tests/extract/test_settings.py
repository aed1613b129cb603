"""The list settings (channels, regions, chart categories) are read strictly: ASCII only,
whole items of the right shape, no empty item, each item once; a bad one is a ConfigError that
names the setting and the item. Numbers are ASCII too."""

from __future__ import annotations

import pytest

from extract.settings import ConfigError, Settings

CHANNEL = "UC_x5XG1OV2P6uZZ5FSM9Ttw"
OTHER = "UCBR8-60-B28hp2BmDPdntcQ"


def settings(**env: str) -> Settings:
    return Settings.from_env({"YOUTUBE_API_KEY": "k", "YOUTUBE_CHANNEL_IDS": CHANNEL, **env})


def refused(**env: str) -> str:
    with pytest.raises(ConfigError) as caught:
        settings(**env)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("١٠", r"'\u0661\u0660' (not ASCII)"),  # Arabic-Indic digits: str.isdigit() is True
        ("０", r"'\uff10' (not ASCII)"),  # fullwidth zero
        ("²", r"'\xb2' (not ASCII)"),  # superscript two: isdigit() too
        ("10a", "10a"),
        ("-1", "-1"),
        ("1 0", "1 0"),
    ],
)
def test_chart_categories_are_ascii_digits(value: str, shown: str) -> None:
    message = refused(YOUTUBE_CHART_CATEGORIES=f"0,{value}")
    assert message.startswith(f"YOUTUBE_CHART_CATEGORIES has invalid category ids: {shown}.")
    assert "digits 0-9" in message


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("uſ", r"'u\u017f' (not ASCII)"),  # 'ſ'.upper() == 'S': read as US before
        ("ÜS", r"'\xdcS' (not ASCII)"),
        ("USA", "USA"),
        ("U", "U"),
        ("U1", "U1"),
    ],
)
def test_regions_are_two_ascii_letters(value: str, shown: str) -> None:
    message = refused(YOUTUBE_REGIONS=f"US,{value}")
    assert message.startswith(f"YOUTUBE_REGIONS has invalid region codes: {shown}.")


@pytest.mark.parametrize(
    "value",
    [
        "UC" + "a" * 21,  # one short
        "UC" + "a" * 23,  # one long
        "UC" + "a" * 21 + "é",
        "UC" + "a" * 21 + "\u0663",
        "UC" + "a" * 21 + "!",
        "uc" + "a" * 22,
        "HC" + "a" * 22,
    ],
)
def test_channel_ids_have_the_channel_id_shape(value: str) -> None:
    message = refused(YOUTUBE_CHANNEL_IDS=f"{CHANNEL},{value}")
    assert message.startswith("YOUTUBE_CHANNEL_IDS has malformed channel ids: ")
    assert CHANNEL not in message  # only the bad item is named
    assert value in message or ascii(value) in message


@pytest.mark.parametrize(
    ("name", "value", "position"),
    [
        ("YOUTUBE_CHANNEL_IDS", f"{CHANNEL},,{OTHER}", 2),
        ("YOUTUBE_CHANNEL_IDS", f"{CHANNEL},", 2),
        ("YOUTUBE_REGIONS", ",US", 1),
        ("YOUTUBE_REGIONS", "US, ,GB", 2),
        ("YOUTUBE_CHART_CATEGORIES", "0,10,", 3),
    ],
)
def test_an_empty_item_is_an_error(name: str, value: str, position: int) -> None:
    message = refused(**{name: value})
    assert message.startswith(f"{name} has an empty item (item {position} of ")
    assert "single commas" in message


def test_duplicates_are_kept_once_in_order_and_values_normalised() -> None:
    read = settings(
        YOUTUBE_CHANNEL_IDS=f" {OTHER} ,{CHANNEL},{OTHER}",
        YOUTUBE_REGIONS="gb,US,GB,us",
        YOUTUBE_CHART_CATEGORIES="10,0,010,10",
    )
    assert read.channel_ids == [OTHER, CHANNEL]
    assert read.regions == ["GB", "US"]
    assert read.chart_categories == ["10", "0"]


def test_unset_lists_take_their_defaults_and_empty_ones_mean_none() -> None:
    assert (settings().regions, settings().chart_categories) == (["US"], ["0"])
    empty = settings(YOUTUBE_REGIONS="", YOUTUBE_CHART_CATEGORIES=" ")
    assert (empty.regions, empty.chart_categories) == ([], [])
    assert refused(YOUTUBE_CHANNEL_IDS=" ").startswith("YOUTUBE_CHANNEL_IDS is empty")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("YOUTUBE_DAILY_QUOTA", "١٠٠٠٠"),
        ("YOUTUBE_RETRY_ATTEMPTS", "５"),
        ("YOUTUBE_TIMEOUT_SECONDS", "３0"),
    ],
)
def test_numbers_are_ascii(name: str, value: str) -> None:
    assert refused(**{name: value}).startswith(f"{name} must be ")


def test_quota_buckets_and_the_refresh_planner_have_defaults() -> None:
    default = settings()
    assert (default.daily_quota, default.stats_daily_quota) == (10_000, 10_000)
    assert (default.refresh_young_hours, default.refresh_floor_hours) == (48.0, 24.0)
    assert (default.refresh_charted_hours, default.unavailable_recheck_hours) == (2.0, 168.0)
    assert (default.metadata_refresh_hours, default.stats_reserve_units) == (168.0, 200)
    assert default.stats_runs_per_hour == 1.0
    chosen = settings(
        YOUTUBE_STATS_DAILY_QUOTA="500",
        YOUTUBE_REFRESH_FLOOR_HOURS="12",
        YOUTUBE_STATS_RESERVE_UNITS="0",
        YOUTUBE_STATS_RUNS_PER_HOUR="4",
    )
    assert (chosen.stats_daily_quota, chosen.refresh_floor_hours) == (500, 12.0)
    assert (chosen.stats_reserve_units, chosen.stats_runs_per_hour) == (0, 4.0)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("YOUTUBE_STATS_DAILY_QUOTA", "0"),
        ("YOUTUBE_STATS_DAILY_QUOTA", "1.5"),
        ("YOUTUBE_STATS_DAILY_QUOTA", "１０"),
        ("YOUTUBE_REFRESH_FLOOR_HOURS", "0"),
        ("YOUTUBE_METADATA_REFRESH_HOURS", "-1"),
        ("YOUTUBE_STATS_RESERVE_UNITS", "2.5"),
        ("YOUTUBE_STATS_RUNS_PER_HOUR", "x"),
    ],
)
def test_bucket_and_planner_numbers_are_checked(name: str, value: str) -> None:
    assert refused(**{name: value}).startswith(f"{name} must be ")


def test_planner_settings_can_be_passed_through() -> None:
    base = settings()
    assert base.with_policy(refresh_floor_hours=6).refresh_floor_hours == 6.0
    with pytest.raises(ConfigError, match="YOUTUBE_REFRESH_YOUNG_HOURS must be"):
        base.with_policy(refresh_young_hours=-2)
    with pytest.raises(ConfigError, match="unknown refresh planner setting"):
        base.with_policy(daily_quota=5)
