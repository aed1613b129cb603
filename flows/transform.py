"""Running dbt in-process (``dbtRunner``) against the warehouse connection.

Named ``transform`` rather than ``dbt_*``: dbt imports modules named like that.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from extract.database import ConnectionInfo
from extract.settings import project_root
from flows.env import prepare, use_connection

log = logging.getLogger(__name__)


class DbtError(RuntimeError):
    """dbt could not run at all (bad project, unreachable database...)."""


@dataclass
class DbtSummary:
    command: str
    success: bool
    counts: dict[str, int] = field(default_factory=dict)  # status -> nodes
    failures: list[str] = field(default_factory=list)  # "model.x: message"
    seconds: float = 0.0

    def line(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in sorted(self.counts.items())) or "nothing ran"
        return f"dbt {self.command} {'passed' if self.success else 'FAILED'}: {counts}"


def invoke(
    args: list[str], conn: ConnectionInfo, callbacks: list[Callable[[Any], None]] | None = None
) -> DbtSummary:
    """Run ``dbt <args>`` with the project at the repo root and the env-derived profile.

    ``callbacks`` receive dbt's structured events (e.g. to collect warnings)."""
    prepare()
    use_connection(conn)
    from dbt.cli.main import dbtRunner  # imported late: after the environment is set

    root = str(project_root())
    full = [*args, "--project-dir", root, "--profiles-dir", root]
    log.info("dbt %s", " ".join(args))
    result = dbtRunner(callbacks=callbacks or []).invoke(full)
    if result.exception is not None:
        raise DbtError(f"dbt {' '.join(args)} could not run: {result.exception}")
    return _summarize(args[0], result)


def _summarize(command: str, result: Any) -> DbtSummary:
    counts: Counter[str] = Counter()
    failures: list[str] = []
    seconds = 0.0
    for node_result in getattr(result.result, "results", None) or []:
        status = str(getattr(node_result.status, "value", node_result.status))
        counts[status] += 1
        seconds += getattr(node_result, "execution_time", 0.0) or 0.0
        if status in {"error", "fail", "runtime error"}:
            node = getattr(node_result, "node", None)
            name = node.unique_id if node is not None else getattr(node_result, "unique_id", "?")
            failures.append(f"{name}: {node_result.message}")
    return DbtSummary(command, bool(result.success), dict(counts), failures, seconds)


def build(conn: ConnectionInfo, full_refresh: bool = False) -> DbtSummary:
    args = ["build"]
    if full_refresh:
        args.append("--full-refresh")
    return invoke(args, conn)
