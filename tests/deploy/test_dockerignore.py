""".dockerignore, read the way ``docker build`` reads it (moby's patternmatcher: patterns from
the context root, ``**`` for any folders, later ``!`` lines re-include, a matching folder
takes its contents along): .env and every other secret or piece of local state stays out of
the image that the Dockerfile's ``COPY . .`` builds, and what the image needs goes in."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pytest

from extract.settings import project_root

ROOT = project_root()


@cache
def rules() -> list[tuple[bool, re.Pattern[str]]]:
    """(is an exception, pattern) per line of .dockerignore, in order."""
    found = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        pattern = os.path.normpath(line.lstrip("!").strip()).lstrip("/")
        found.append((exception, re.compile(_regex(pattern))))
    return found


def _regex(pattern: str) -> str:
    """moby/patternmatcher's translation of one pattern (no character classes used here)."""
    out, i = "^", 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out, i = out + "(.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif char == "*":
            out, i = out + "[^/]*", i + 1
        elif char == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(char), i + 1
    return out + "$"


def ignored(path: str) -> bool:
    """Whether ``path`` (relative, with /) stays out of the build context."""
    parents = [path.rsplit("/", depth)[0] for depth in range(path.count("/"), 0, -1)]
    matched = False
    for exception, pattern in rules():
        if exception and not matched:
            continue
        if pattern.match(path) or any(pattern.match(parent) for parent in parents):
            matched = not exception
    return matched


SECRETS = [
    ".env",
    ".env.local",
    ".env.production",
    ".env.prod.bak",
    "deploy/.env",
    "reports/.env",
    "reports/.env.development",
    "extract/.env.test",
    "server.pem",
    "deploy/tls/site.key",
    "deploy/tls/site.crt",
    "id_rsa",
    ".ssh/id_ed25519",
    ".pgpass",
    ".netrc",
    ".dbt/profiles.yml",
    ".prefect/profiles.toml",
    "client_secret_1234.apps.googleusercontent.com.json",
    "reports/sources/warehouse/connection.options.yaml",
    "docker-compose.override.yml",
]
LOCAL_STATE = [
    ".tubewarehouse/pgdata/PG_VERSION",
    ".tubewarehouse/prefect/prefect.db",
    ".tubewarehouse/runs/2026-01-01.json",
    ".git/config",
    ".venv/bin/python",
    "target/manifest.json",
    "logs/dbt.log",
    "reports/node_modules/vite/package.json",
    "reports/.evidence/template/static/data/x.parquet",
    "reports/build/index.html",
    "reports/sources/warehouse/videos.parquet",
    "tests/artifacts/reports/index.png",
    "extract/__pycache__/settings.cpython-311.pyc",
    "tubewarehouse.egg-info/PKG-INFO",
]
NEEDED = [
    ".env.example",
    "Dockerfile",
    "pyproject.toml",
    "requirements.lock",
    "README.md",
    "dbt_project.yml",
    "profiles.yml",
    "extract/settings.py",
    "flows/cli.py",
    "dbt_project/models/marts/videos/videos.sql",
    "deploy/nginx.conf",
    "reports/.npmrc",
    "reports/package.json",
    "reports/package-lock.json",
    "reports/pages/index.md",
    "reports/sources/warehouse/videos.sql",
    "reports/sources/warehouse/connection.yaml",
]


@pytest.mark.parametrize("path", SECRETS + LOCAL_STATE)
def test_secrets_and_local_state_stay_out_of_the_image(path: str) -> None:
    assert ignored(path), f"{path} would be copied into the image"


@pytest.mark.parametrize("path", NEEDED)
def test_what_the_image_needs_goes_in(path: str) -> None:
    assert not ignored(path), f"{path} is excluded from the build context"


def test_the_dockerfile_copies_nothing_the_context_lacks() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "COPY . ." in dockerfile  # hence .dockerignore is what keeps secrets out
    for line in dockerfile.splitlines():
        if line.startswith("COPY ") and "--from" not in line:
            for source in line.split()[1:-1]:
                if source != ".":
                    assert not ignored(source), source


def test_the_working_tree_context_holds_no_secret_or_state() -> None:
    """Every file of this checkout that `docker build .` would send, whatever is lying
    around (a filled-in .env, an embedded database, built reports)."""
    suspicious = re.compile(
        r"(^|/)(\.env(\..*)?|.*\.(pem|key|db|sqlite3?)|\.pgpass|\.netrc|id_rsa.*)$"
        r"|(^|/)(\.tubewarehouse|\.venv|\.git|node_modules)/"
    )
    sent = []
    for folder, dirs, files in os.walk(ROOT):
        relative = Path(folder).relative_to(ROOT).as_posix()
        prefix = "" if relative == "." else relative + "/"
        dirs[:] = [d for d in dirs if not ignored(prefix + d)]  # docker skips them whole
        sent += [prefix + f for f in files if not ignored(prefix + f)]
    leaks = [path for path in sent if suspicious.search(path) and path != ".env.example"]
    assert not leaks, leaks
    assert ".env.example" in sent and "Dockerfile" in sent
