"""The reports' Node toolchain: Node and npm found and checked, Evidence's packages installed
in ``reports/node_modules`` when the package files change, and npm commands run there.

Every command runs under the guard (``flows/children.py``), with telemetry off
(``flows.env.TELEMETRY_OFF``: ``SEND_ANONYMOUS_USAGE_STATS=no``, ``DO_NOT_TRACK=1``) and npm's
own notices off (:data:`NPM_QUIET`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from flows import children
from flows.env import TELEMETRY_OFF

log = logging.getLogger(__name__)

# The Evidence project: where npm installs and every npm command runs.
REPORTS_DIR = Path(__file__).resolve().parents[1] / "reports"
# Written into node_modules after a successful install: hash of package.json + lockfile.
INSTALL_MARKER = ".tubewarehouse-install"

# npm's own phone-home switches; the project-wide telemetry settings come from flows.env.
NPM_QUIET = {
    "NPM_CONFIG_UPDATE_NOTIFIER": "false",
    "NPM_CONFIG_FUND": "false",
    "NPM_CONFIG_AUDIT": "false",
}

NODE_HELP = (
    "Install Node.js 20 LTS with npm (Debian/Ubuntu: `apt-get install nodejs npm`; "
    "elsewhere see https://nodejs.org/en/download) and make sure `node` and `npm` are on PATH."
)


class ReportsError(RuntimeError):
    """Building or serving the reports failed; the message says what to do."""


def base_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment for an npm command: telemetry off, ``extra`` on top."""
    env = {
        key: value
        for key, value in os.environ.items()
        # Stale connection options from the caller's shell must not override ours.
        if not key.startswith("EVIDENCE_SOURCE__")
    }
    env.update(TELEMETRY_OFF)
    env.update(NPM_QUIET)
    if extra:
        env.update(extra)
    return env


def require_node() -> tuple[str, str]:
    """The paths of ``node`` and ``npm``; ReportsError saying how to install them if missing
    or too old for Evidence."""
    node = shutil.which("node")
    npm = shutil.which("npm")
    if node is None or npm is None:
        missing = " and ".join(name for name, path in (("node", node), ("npm", npm)) if not path)
        raise ReportsError(f"cannot build the reports: {missing} not found. {NODE_HELP}")
    try:
        version = subprocess.run(
            [node, "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        raise ReportsError(f"cannot run `{node} --version` ({exc}). {NODE_HELP}") from None
    major = version.lstrip("v").split(".", 1)[0]
    if not major.isdigit() or int(major) < 18:
        raise ReportsError(f"Node {version} is too old for Evidence 39. {NODE_HELP}")
    return node, npm


def run(
    args: Sequence[str],
    *,
    what: str,
    env: Mapping[str, str],
    timeout: float,
    done_marker: str | None = None,
) -> str:
    """Run one command in ``reports/`` and return its output (``children.run``); ReportsError
    with the output's tail when it fails or outlives ``timeout``."""
    try:
        return children.run(
            args,
            what=what,
            cwd=REPORTS_DIR,
            env=env,
            timeout=timeout,
            done_marker=done_marker,
            hint=NODE_HELP,
        )
    except children.ChildError as exc:
        raise ReportsError(str(exc)) from None


def install_fingerprint() -> str:
    """A hash of ``package.json`` and ``package-lock.json``."""
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        path = REPORTS_DIR / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()


def ensure_installed(force: bool = False) -> None:
    """Install the Evidence toolchain unless ``node_modules`` matches the package files.

    A marker inside ``node_modules`` records a hash of ``package.json`` and
    ``package-lock.json`` after each successful install; a changed hash reinstalls.
    Uses ``npm ci``: exactly what ``package-lock.json`` records (every platform's optional
    packages included), failing instead of resolving anything anew when the lock and
    ``package.json`` disagree (``make lock`` refreshes both locks).
    """
    _node, npm = require_node()
    marker = REPORTS_DIR / "node_modules" / INSTALL_MARKER
    if not force and marker.is_file() and marker.read_text().strip() == install_fingerprint():
        log.debug("reports dependencies are up to date")
        return
    log.info(
        "installing the reports' Node dependencies in %s (first run: about a minute)", REPORTS_DIR
    )
    run(
        [npm, "ci", "--no-audit", "--no-fund"],
        what="npm ci for the reports",
        env=base_env(),
        timeout=1800,
    )
    marker.write_text(install_fingerprint() + "\n")
