"""Running dbt in-process (``dbtRunner``) against the warehouse connection.

One writer at a time: every dbt command that reads or builds the warehouse holds its pipeline
lock (``extract.database.pipeline_lock``, the one a pipeline run holds from extract to the end
of its build), so ``ytw dbt -- build`` during a scheduled run waits for it (and says so)
instead of building the same tables alongside it. Commands that never connect (``--help``,
``parse``, ``deps``...) and ``docs serve`` (static files, for hours) take no lock.

Named ``transform`` rather than ``dbt_*``: dbt imports modules named like that.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from extract.database import ConnectionInfo, pipeline_lock
from extract.settings import project_root
from flows.env import prepare, use_connection

log = logging.getLogger(__name__)


class DbtError(RuntimeError):
    """dbt could not run at all (bad project, unreachable database...)."""


FAILED_STATUSES = {"error", "fail", "runtime error"}
# dbt commands that never open a warehouse connection: no lock to wait for.
_OFFLINE_COMMANDS = {"clean", "deps", "init", "list", "ls", "parse"}
_OFFLINE_FLAGS = {"-h", "--help", "--version"}


@dataclass
class NodeResult:
    unique_id: str  # model.tubewarehouse.videos, test.tubewarehouse.unique_videos_video_id...
    resource_type: str  # model, test, unit_test, seed, snapshot
    status: str  # success, pass, warn, fail, error, skipped
    seconds: float
    message: str | None = None
    failures: int | None = None  # failing rows of a test


@dataclass
class DbtSummary:
    command: str
    success: bool
    counts: dict[str, int] = field(default_factory=dict)  # status -> nodes
    failures: list[str] = field(default_factory=list)  # "model.x: message"
    seconds: float = 0.0  # sum of the nodes' execution times
    nodes: list[NodeResult] = field(default_factory=list)
    parse_seconds: float = 0.0  # wall time parsing the project (build: a separate parse)
    wall_seconds: float = 0.0  # wall time of the command itself (after the parse)

    def line(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in sorted(self.counts.items())) or "nothing ran"
        return f"dbt {self.command} {'passed' if self.success else 'FAILED'}: {counts}"

    def status_counts(self) -> dict[str, int]:
        return status_counts(self.counts)


def status_counts(counts: dict[str, int]) -> dict[str, int]:
    """dbt's node statuses as pass / warn / error / skip, as the UI and the run artifact show."""
    return {
        "pass": sum(counts.get(s, 0) for s in ("success", "pass")),
        "warn": counts.get("warn", 0),
        "error": sum(counts.get(s, 0) for s in FAILED_STATUSES),
        "skip": counts.get("skipped", 0),
    }


def needs_lock(args: list[str]) -> bool:
    """Whether ``dbt <args>`` reads or writes the warehouse (and so waits for its lock)."""
    if not args or _OFFLINE_FLAGS & set(args) or args[0] in _OFFLINE_COMMANDS:
        return False
    return args[:2] != ["docs", "serve"]


@contextmanager
def warehouse_lock(conn: ConnectionInfo, what: str) -> Iterator[None]:
    """Hold the warehouse's pipeline lock for ``what``, saying so when it has to wait."""

    def waiting() -> None:
        log.warning(
            "%s: another pipeline run or dbt command holds the warehouse (%s); waiting for it "
            "to finish",
            what,
            conn.display_url,
        )

    with pipeline_lock(conn, on_wait=waiting):
        yield


def invoke(
    args: list[str],
    conn: ConnectionInfo,
    callbacks: list[Callable[[Any], None]] | None = None,
    *,
    lock: bool = True,
) -> DbtSummary:
    """Run ``dbt <args>`` with the project at the repo root and the env-derived profile.

    ``callbacks`` receive dbt's structured events (e.g. to collect warnings). The command
    holds the warehouse lock when it touches the warehouse (see :func:`needs_lock`);
    ``lock=False`` is for a caller that holds it already."""
    if not (lock and needs_lock(args)):
        return _invoke(args, conn, callbacks)[0]
    with warehouse_lock(conn, f"dbt {' '.join(args)}"):
        return _invoke(args, conn, callbacks)[0]


def _invoke(
    args: list[str],
    conn: ConnectionInfo,
    callbacks: list[Callable[[Any], None]] | None = None,
    manifest: Any = None,
) -> tuple[DbtSummary, Any]:
    """The summary and dbt's own result object (for ``parse``: the manifest)."""
    prepare()
    use_connection(conn)
    from dbt.cli.main import dbtRunner  # imported late: after the environment is set

    root = str(project_root())
    full = [*args, "--project-dir", root, "--profiles-dir", root]
    log.info("dbt %s", " ".join(args))
    started = time.monotonic()
    result = dbtRunner(manifest=manifest, callbacks=callbacks or []).invoke(full)
    if result.exception is not None:
        raise DbtError(f"dbt {' '.join(args)} could not run: {result.exception}")
    summary = _summarize(args[0], result)
    summary.wall_seconds = time.monotonic() - started
    if args[0] == "parse":
        summary.parse_seconds = summary.wall_seconds
    return summary, result.result


def _summarize(command: str, result: Any) -> DbtSummary:
    counts: Counter[str] = Counter()
    failures: list[str] = []
    nodes: list[NodeResult] = []
    for node_result in getattr(result.result, "results", None) or []:
        status = str(getattr(node_result.status, "value", node_result.status))
        counts[status] += 1
        node = getattr(node_result, "node", None)
        name = node.unique_id if node is not None else getattr(node_result, "unique_id", "?")
        resource_type = str(getattr(getattr(node, "resource_type", None), "value", "") or "")
        nodes.append(
            NodeResult(
                name,
                resource_type or name.split(".", 1)[0],
                status,
                getattr(node_result, "execution_time", 0.0) or 0.0,
                node_result.message,
                getattr(node_result, "failures", None),
            )
        )
        if status in FAILED_STATUSES:
            failures.append(f"{name}: {node_result.message}")
    seconds = sum(n.seconds for n in nodes)
    return DbtSummary(command, bool(result.success), dict(counts), failures, seconds, nodes)


def build(conn: ConnectionInfo, full_refresh: bool = False, *, lock: bool = True) -> DbtSummary:
    """``dbt parse``, then ``dbt build`` on that manifest: the two times are reported apart.

    The build holds the warehouse lock (``lock=False``: the caller holds it, as the pipeline
    flow does from extract on)."""
    parsed, manifest = _invoke(["parse"], conn)
    if not parsed.success:
        return parsed
    args = ["build"]
    if full_refresh:
        args.append("--full-refresh")
    if lock:
        with warehouse_lock(conn, "dbt build"):
            summary, _ = _invoke(args, conn, manifest=manifest)
    else:
        summary, _ = _invoke(args, conn, manifest=manifest)
    summary.parse_seconds = parsed.parse_seconds
    return summary
