"""Configuration from environment variables, with defaults and validation.

Every variable is listed in ``.env.example``. Nothing here reads files in the user's home.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

GOOGLE_API_URL = "https://youtube.googleapis.com"
_CHANNEL_ID = re.compile(r"^UC[0-9A-Za-z_-]{22}$")
_REGION = re.compile(r"^[A-Z]{2}$")


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


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


@dataclass(frozen=True)
class Settings:
    """What one extract run needs to know."""

    api_key: str
    api_url: str = GOOGLE_API_URL
    channel_ids: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    chart_categories: list[str] = field(default_factory=lambda: ["0"])
    timeout_seconds: float = 30.0

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
        channel_ids = _split(env.get("YOUTUBE_CHANNEL_IDS", ""))
        if not channel_ids:
            raise ConfigError(
                "YOUTUBE_CHANNEL_IDS is empty: set it to a comma-separated list of channel ids "
                "(they start with 'UC', e.g. UC_x5XG1OV2P6uZZ5FSM9Ttw)."
            )
        bad = [c for c in channel_ids if not _CHANNEL_ID.match(c)]
        if bad:
            raise ConfigError(
                f"YOUTUBE_CHANNEL_IDS has malformed channel ids: {', '.join(bad)}. A channel id is "
                "'UC' followed by 22 characters; find it on the channel's About page > Share."
            )
        regions = [r.upper() for r in _split(env.get("YOUTUBE_REGIONS", "US"))]
        bad = [r for r in regions if not _REGION.match(r)]
        if bad:
            raise ConfigError(
                f"YOUTUBE_REGIONS has invalid region codes: {', '.join(bad)}. Use ISO 3166-1 "
                "alpha-2 codes separated by commas, e.g. US,GB,DE."
            )
        categories = _split(env.get("YOUTUBE_CHART_CATEGORIES", "0"))
        bad = [c for c in categories if not c.isdigit()]
        if bad:
            raise ConfigError(
                f"YOUTUBE_CHART_CATEGORIES has invalid category ids: {', '.join(bad)}. Use numeric "
                "video category ids separated by commas (0 = all categories, 10 = Music)."
            )
        try:
            timeout = float(env.get("YOUTUBE_TIMEOUT_SECONDS", "30"))
        except ValueError:
            raise ConfigError("YOUTUBE_TIMEOUT_SECONDS must be a number of seconds.") from None
        return cls(
            api_key=api_key,
            api_url=(env.get("YOUTUBE_API_URL") or GOOGLE_API_URL).rstrip("/"),
            channel_ids=channel_ids,
            regions=list(dict.fromkeys(regions)),
            chart_categories=list(dict.fromkeys(categories)),
            timeout_seconds=timeout,
        )
