"""Configuration from environment variables, with defaults and validation.

Every variable is listed in ``.env.example``. Nothing here reads files in the user's home.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from extract.quota import DEFAULT_BUCKET, STATS_BUCKET

GOOGLE_API_URL = "https://youtube.googleapis.com"
# List items are matched whole (fullmatch) and ASCII only: str.isdigit() and str.upper() would
# let '١٠' through as a category id and 'uſ' as region US.
_CHANNEL_ID = re.compile(r"UC[0-9A-Za-z_-]{22}", re.ASCII)
_REGION = re.compile(r"[A-Za-z]{2}", re.ASCII)
_CATEGORY_ID = re.compile(r"[0-9]+", re.ASCII)


class ConfigError(ValueError):
    """A configuration value is missing or malformed; the message says which and how to fix it."""


def project_root() -> Path:
    """The repository root (where ``dbt_project.yml`` lives)."""
    return Path(__file__).resolve().parents[1]


def state_dir() -> Path:
    """Local, git-ignored state: embedded Postgres data, Prefect home, logs."""
    path = Path(os.environ.get("TUBEWAREHOUSE_HOME") or project_root() / ".tubewarehouse")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _items(env: dict[str, str], name: str, default: str = "") -> list[str]:
    """The comma-separated items of the list setting ``name`` (``default`` when unset; none
    when set to nothing), trimmed, each once (the first occurrence kept). An empty item (two
    commas in a row, a comma at either end) is a ConfigError: it is a typo, not a value."""
    raw = env.get(name)
    raw = default if raw is None else raw
    if not raw.strip():
        return []
    items = [part.strip() for part in raw.split(",")]
    if "" in items:
        position = items.index("") + 1
        raise ConfigError(
            f"{name} has an empty item (item {position} of {raw.strip()!r}): separate the "
            "values by single commas, with none at either end."
        )
    return list(dict.fromkeys(items))


def _show(item: str) -> str:
    """An item as the user should see it: non-ASCII or invisible characters escaped."""
    return item if item.isascii() and item.isprintable() else f"{ascii(item)} (not ASCII)"


def _check(name: str, items: list[str], pattern: re.Pattern[str], what: str, fix: str) -> None:
    bad = [item for item in items if not pattern.fullmatch(item)]
    if bad:
        raise ConfigError(f"{name} has {what}: {', '.join(map(_show, bad))}. {fix}")


@dataclass(frozen=True)
class Settings:
    """What one extract run needs to know."""

    api_key: str
    api_url: str = GOOGLE_API_URL
    channel_ids: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    chart_categories: list[str] = field(default_factory=lambda: ["0"])
    timeout_seconds: float = 30.0  # per HTTP request
    # Transient errors (5xx, 429, rate limits, timeouts, resets, malformed bodies) are retried
    # with full-jitter exponential backoff: at most this many attempts per request, and no
    # retry that would start later than this many seconds after the first attempt.
    retry_attempts: int = 5
    retry_backoff_seconds: float = 1.0
    retry_max_seconds: float = 120.0
    # Units per Pacific-time day the project may spend (Google's default is 10,000); the run
    # refuses work that the rest of today's budget cannot pay for.
    daily_quota: int = 10_000
    # i18nRegions and videoCategories change rarely: fetched again only after this long.
    reference_refresh_hours: float = 24.0
    # The stats bucket (videos.batchGetStats) has a daily limit of its own (Google: 10,000).
    stats_daily_quota: int = 10_000
    # The hourly refresh planner (extract/planner.py): see PLANNER_SETTINGS.
    metadata_refresh_hours: float = 168.0
    refresh_young_hours: float = 48.0
    refresh_charted_hours: float = 2.0
    refresh_floor_hours: float = 24.0
    refresh_fast_views_per_hour: float = 1000.0
    unavailable_recheck_hours: float = 168.0
    stats_reserve_units: int = 200
    stats_runs_per_hour: float = 1.0

    @property
    def bucket_limits(self) -> dict[str, int]:
        """Daily units per quota bucket (``extract.quota.METHOD_BUCKETS``); search is unused."""
        return {DEFAULT_BUCKET: self.daily_quota, STATS_BUCKET: self.stats_daily_quota}

    @property
    def uses_google(self) -> bool:
        return self.api_url.rstrip("/") == GOOGLE_API_URL

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        api_key = env.get("YOUTUBE_API_KEY", "").strip()
        if not api_key:
            raise ConfigError(
                "YOUTUBE_API_KEY is not set. Create a key in the Google Cloud console "
                "(APIs & Services > Credentials, with the YouTube Data API v3 enabled) and "
                "export YOUTUBE_API_KEY=..., or run `make demo` to use the local emulator."
            )
        channel_ids = _items(env, "YOUTUBE_CHANNEL_IDS")
        if not channel_ids:
            raise ConfigError(
                "YOUTUBE_CHANNEL_IDS is empty: set it to a comma-separated list of channel ids "
                "(they start with 'UC', e.g. UC_x5XG1OV2P6uZZ5FSM9Ttw)."
            )
        _check(
            "YOUTUBE_CHANNEL_IDS",
            channel_ids,
            _CHANNEL_ID,
            "malformed channel ids",
            "A channel id is 'UC' followed by 22 letters, digits, '-' or '_'; find it on the "
            "channel's About page > Share.",
        )
        regions = _items(env, "YOUTUBE_REGIONS", "US")
        _check(
            "YOUTUBE_REGIONS",
            regions,
            _REGION,
            "invalid region codes",
            "Use ISO 3166-1 alpha-2 codes (two letters A-Z) separated by commas, e.g. US,GB,DE.",
        )
        categories = _items(env, "YOUTUBE_CHART_CATEGORIES", "0")
        _check(
            "YOUTUBE_CHART_CATEGORIES",
            categories,
            _CATEGORY_ID,
            "invalid category ids",
            "Use numeric video category ids (digits 0-9) separated by commas "
            "(0 = all categories, 10 = Music).",
        )
        api_url = (env.get("YOUTUBE_API_URL") or GOOGLE_API_URL).strip().rstrip("/")
        if not re.match(r"^https?://[^/\s]+", api_url):
            raise ConfigError(
                f"YOUTUBE_API_URL is not an http(s) URL: {api_url!r}. Leave it empty for "
                "Google's API, or give the emulator's address, e.g. http://127.0.0.1:8765."
            )
        return cls(
            api_key=api_key,
            api_url=api_url,
            channel_ids=channel_ids,
            regions=list(dict.fromkeys(r.upper() for r in regions)),
            # '010' and '10' are one chart
            chart_categories=list(dict.fromkeys(str(int(c)) for c in categories)),
            timeout_seconds=_number(env, "YOUTUBE_TIMEOUT_SECONDS", 30.0, "seconds"),
            retry_attempts=int(_number(env, "YOUTUBE_RETRY_ATTEMPTS", 5, "attempts", whole=True)),
            retry_backoff_seconds=_number(env, "YOUTUBE_RETRY_BACKOFF_SECONDS", 1.0, "seconds"),
            retry_max_seconds=_number(env, "YOUTUBE_RETRY_MAX_SECONDS", 120.0, "seconds"),
            daily_quota=int(_number(env, "YOUTUBE_DAILY_QUOTA", 10_000, "units", whole=True)),
            reference_refresh_hours=_number(
                env, "YOUTUBE_REFERENCE_REFRESH_HOURS", 24.0, "hours", zero_ok=True
            ),
            stats_daily_quota=int(
                _number(env, "YOUTUBE_STATS_DAILY_QUOTA", 10_000, "units", whole=True)
            ),
            **{name: _planner_number(env, name) for name in PLANNER_SETTINGS},
        )

    def with_policy(self, **policy: float) -> Settings:
        """These settings with some of the planner's replaced (the flow's parameters): names
        are ``PLANNER_SETTINGS``' fields, values checked as their variables are."""
        unknown = sorted(set(policy) - set(PLANNER_SETTINGS))
        if unknown:
            raise ConfigError(
                f"unknown refresh planner setting(s) {', '.join(unknown)}: use "
                f"{', '.join(PLANNER_SETTINGS)}"
            )
        env = {PLANNER_SETTINGS[name][0]: str(value) for name, value in policy.items()}
        checked = {name: _planner_number(env, name) for name in policy}
        return replace(self, **checked)


# The planner's settings: field -> (variable, unit, whether 0 is allowed). Their defaults
# are the Settings fields' (the planner's Policy reads the same ones).
PLANNER_SETTINGS: dict[str, tuple[str, str, bool]] = {
    "metadata_refresh_hours": ("YOUTUBE_METADATA_REFRESH_HOURS", "hours", False),
    "refresh_young_hours": ("YOUTUBE_REFRESH_YOUNG_HOURS", "hours", True),
    "refresh_charted_hours": ("YOUTUBE_REFRESH_CHARTED_HOURS", "hours", True),
    "refresh_floor_hours": ("YOUTUBE_REFRESH_FLOOR_HOURS", "hours", False),
    "refresh_fast_views_per_hour": ("YOUTUBE_REFRESH_FAST_VIEWS_PER_HOUR", "views per hour", False),
    "unavailable_recheck_hours": ("YOUTUBE_UNAVAILABLE_RECHECK_HOURS", "hours", False),
    "stats_reserve_units": ("YOUTUBE_STATS_RESERVE_UNITS", "units", True),
    "stats_runs_per_hour": ("YOUTUBE_STATS_RUNS_PER_HOUR", "runs per hour", False),
}


def _planner_number(env: dict[str, str], name: str) -> float:
    """A planner setting from ``env``, checked; absent = the Settings field's default."""
    variable, unit, zero_ok = PLANNER_SETTINGS[name]
    default = getattr(Settings, name)
    return _number(env, variable, default, unit, whole=isinstance(default, int), zero_ok=zero_ok)


def _number(
    env: dict[str, str],
    name: str,
    default: float,
    unit: str,
    *,
    whole: bool = False,
    zero_ok: bool = False,
) -> float:
    """A positive number from the environment (empty = the default), or a ConfigError."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        # int() and float() also read other scripts' digits ('٣٠'): ASCII only, as everywhere
        value = (int(raw) if whole else float(raw)) if raw.isascii() else None
    except ValueError:
        value = None
    if value is None or not 0 <= value < float("inf") or (value == 0 and not zero_ok):
        kind = "a whole number" if whole else "a number"
        floor = ">= 0" if zero_ok else "> 0"
        raise ConfigError(
            f"{name} must be {kind} of {unit} {floor}, got {raw!r} (default {default:g})."
        )
    return value
