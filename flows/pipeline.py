"""The pipeline flow: extract every configured channel and region, then ``dbt build``.

Two modes (``mode`` parameter): ``full`` crawls everything (the daily deployment, and
``ytw run``), ``stats`` refreshes statistics and charts only (the hourly deployment). One run
holds the warehouse's pipeline lock from extract to the end of dbt: runs that meet queue.
Each run leaves a markdown artifact (rows landed, quota, time, dbt pass/warn/error, failed
tests) and the same summary as JSON in ``<state folder>/runs/<run_id>.json``.

Failures are loud: the flow run fails (red in the Prefect UI) when extraction was incomplete
or a dbt model or test failed, after dbt has still built what did land. It fails with a
``Failed`` state carrying the message (no traceback in the logs: nothing crashed).

After a clean build the run records which extract runs the marts have consumed
(``extract.retention.mark_transformed``); the daily ``full`` run then compacts raw rows
consumed more than ``retention_days`` ago (``extract.retention``: a full refresh still builds
the same marts; ``None`` turns it off).

The extract task is retried (resuming the same run id, so pages already landed are neither
asked for nor landed again) when the database went away mid-run and is back within
``DATABASE_BACK_SECONDS`` (a restart, a failover). Not when it stays away (the run ends there,
failed with a ``DatabaseError``: ``ytw run`` exits 3 with one line), nor for what a retry
cannot fix: configuration, a bad key, the day's quota; API errors were already retried
request by request.

Prefect reads its settings when it is imported, and importing this module imports it: call
``flows.env.prepare()`` first (``ytw`` and ``flows.serve`` do), so Prefect's home, logging and
telemetry are the project's. Importing sets nothing itself.
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run as current_flow_run
from prefect.runtime import task_run as current_task_run
from prefect.states import Failed, State

from extract import database, retention
from extract.errors import FatalApiError
from extract.run import MODES, new_run_id, run_extract
from extract.settings import ConfigError, Settings
from flows import publish, run_summary, transform

EXTRACT_RETRIES = 2
# How long a lost database gets to come back before the extract task's retry is given up.
DATABASE_BACK_SECONDS = 15
ARTIFACT_KEY = "tubewarehouse-run"  # every run's summary, as versions of one artifact
# When set (the compose stack), each run that built cleanly republishes the Evidence site
# and the dbt docs into <dir>/reports and <dir>/docs for a static web server.
PUBLISH_DIR_ENV = "TUBEWAREHOUSE_PUBLISH_DIR"


class PipelineFailed(RuntimeError):
    """Extraction or dbt reported failures; the message lists them."""


class ExtractInterrupted(database.DatabaseError):
    """The database went away mid-run; the task's retry resumes the run if it is back."""


def _worth_retrying(task: Any, task_run: Any, state: Any) -> bool:
    """Retry what may pass, not what a retry cannot fix: bad configuration, a bad key, the
    day's quota spent, a database that does not come back."""
    try:
        state.result()
    except (ConfigError, FatalApiError):
        return False
    except database.DatabaseError:
        try:
            back = database.back_within(database.resolve(), DATABASE_BACK_SECONDS)
        except database.DatabaseError:  # the embedded server is gone: nothing to wait for
            back = False
        if not back:
            get_run_logger().warning("the database is still unreachable: not retrying")
        return back
    except Exception:
        return True
    return False


@task(
    name="extract-youtube",
    task_run_name="extract {mode} ({run_id})",
    retries=EXTRACT_RETRIES,
    retry_delay_seconds=[10, 60],
    retry_condition_fn=_worth_retrying,
    cache_policy=NO_CACHE,
)
def extract_task(
    run_id: str, mode: str = "full", refresh_policy: dict[str, float] | None = None
) -> dict[str, Any]:
    """Land the API's answers in raw_youtube; a retry resumes the same run (no duplicates)."""
    logger = get_run_logger()
    settings = Settings.from_env()
    conn = database.resolve()
    result = run_extract(settings, conn, run_id=run_id, mode=mode, **(refresh_policy or {}))
    logger.info(result.summary())
    for failure in result.failures:
        logger.error(failure)
    for notice in result.notices:
        logger.warning(notice)
    if result.retryable and current_task_run.run_count <= EXTRACT_RETRIES:
        raise ExtractInterrupted(f"{result.summary()}: {'; '.join(result.failures)}")
    return asdict(result)


@task(name="dbt-build", cache_policy=NO_CACHE)
def dbt_build_task(full_refresh: bool = False) -> dict[str, Any]:
    """``dbt build`` (models, snapshots' history, tests, unit tests); one log line per node."""
    logger = get_run_logger()
    # The flow holds the warehouse lock from extract to the end of the build.
    summary = transform.build(database.resolve(), full_refresh=full_refresh, lock=False)
    for node in summary.nodes:
        line = f"{node.unique_id}: {node.status} in {node.seconds:.2f}s"
        if node.status in transform.FAILED_STATUSES:
            logger.error("%s: %s", line, node.message)
        elif node.status == "warn":
            logger.warning("%s: %s", line, node.message)
        elif node.resource_type in ("model", "seed", "snapshot"):
            logger.info(line)
        else:
            logger.debug(line)
    logger.info(
        "%s (parse %.1fs, build %.1fs)", summary.line(), summary.parse_seconds, summary.wall_seconds
    )
    return asdict(summary)


@task(name="raw-retention", cache_policy=NO_CACHE)
def retention_task(build_started: datetime, keep_days: float | None) -> dict[str, Any]:
    """Mark the runs the build consumed; with ``keep_days``, compact what is older."""
    logger = get_run_logger()
    conn = database.resolve()
    marked = retention.mark_transformed(conn, build_started)
    logger.info("%d extract run(s) marked as consumed by the marts", marked)
    if keep_days is None:
        return {"marked": marked}
    report = retention.compact(conn, keep=timedelta(days=keep_days))
    logger.info(report.summary())
    return {"marked": marked, **asdict(report)}


@task(name="publish-site", cache_policy=NO_CACHE)
def publish_task(folder: str) -> str:
    """Rebuild the Evidence site and the dbt docs into ``folder`` for a static web server."""
    published = publish.publish(database.resolve(), Path(folder))
    get_run_logger().info("reports and dbt docs published in %s", published)
    return str(published)


def _database_lost(state: State) -> database.DatabaseError | None:
    """The extract task's database error, when that is how it failed (others are raised)."""
    if not state.is_failed():
        return None
    error = state.result(raise_on_failure=False)
    if isinstance(error, database.DatabaseError):
        return error
    raise error if isinstance(error, BaseException) else RuntimeError(str(state.message))


def _record(summary: dict[str, Any]) -> None:
    """The run's summary as JSON in the state folder and as the run's markdown artifact."""
    path = run_summary.write(summary)
    create_markdown_artifact(
        markdown=run_summary.markdown(summary),
        key=ARTIFACT_KEY,
        description=f"{summary['mode']} run {summary['run_id']}: {summary['status']}",
    )
    get_run_logger().info("run summary: %s", path)


def _run_name() -> str:
    mode = current_flow_run.parameters.get("mode", "full")
    return f"{mode} {datetime.now(UTC):%Y-%m-%d %H:%M}Z"


@flow(name="tubewarehouse-pipeline", flow_run_name=_run_name, log_prints=True)
def pipeline(
    mode: str = "full",
    full_refresh: bool = False,
    retention_days: float | None = retention.DEFAULT_KEEP_DAYS,
    refresh_policy: dict[str, float] | None = None,
) -> dict[str, Any] | State:
    """Extract (``full``: the daily crawl; ``stats``: the hourly refresh), then build and
    test the warehouse; a clean ``full`` run then compacts raw rows the marts consumed more
    than ``retention_days`` ago (``None``: never). ``refresh_policy``: refresh planner
    settings for this run instead of their ``YOUTUBE_*`` variables, by name (e.g.
    ``{"refresh_floor_hours": 12}``; the names and defaults are ``PLANNER_SETTINGS``' in
    ``extract/settings.py``, listed in the README)."""
    logger = get_run_logger()
    if mode not in MODES:
        raise ConfigError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
    # a configuration error fails the run at once, before any task
    Settings.from_env().with_policy(**(refresh_policy or {}))
    started = time.monotonic()
    run_id = new_run_id()
    conn = database.resolve()

    def waiting() -> None:
        logger.info("another pipeline run holds the warehouse: waiting for it to finish")

    with database.pipeline_lock(conn, on_wait=waiting):
        extract_state = extract_task(run_id, mode, refresh_policy, return_state=True)
        lost = _database_lost(extract_state)
        if lost is None:
            extracted = extract_state.result()
            build_started = datetime.now(UTC)
            built = dbt_build_task(full_refresh)
            retained = None
            if built["success"]:
                keep = retention_days if mode == "full" else None
                retained = retention_task(build_started, keep, return_state=True)
    if lost is not None:  # nothing to build on: the run ends here, as a database error
        message = f"extract run {run_id}: {lost}"
        extracted = {"status": "failed", "failures": [message]}
        summary = run_summary.summarize(
            run_id, mode, extracted, None, [message], time.monotonic() - started
        )
        _record(summary)
        logger.error("pipeline run %s failed: %s", run_id, message)
        return Failed(message=message, data=database.DatabaseError(message))
    problems = [*extracted["failures"]]
    if extracted["status"] != "succeeded":
        problems.insert(0, f"extract run {run_id} {extracted['status']}")
    problems += built["failures"]
    if not built["success"] and not built["failures"]:
        problems.append("dbt build failed (see its log above)")
    if retained is not None and not retained.is_completed():
        problems.append(f"raw retention failed: {retained.message}")
    publish_dir = os.environ.get(PUBLISH_DIR_ENV)
    published = None
    if publish_dir and built["success"]:
        skipped = publish.skip_reason(mode)
        if skipped is None:
            publish_task(publish_dir)
            published = {"published": True, "seconds": publish.last_seconds()}
        else:
            logger.warning(skipped)
            published = {"published": False, "skipped": skipped}
    summary = run_summary.summarize(
        run_id, mode, extracted, built, problems, time.monotonic() - started, published
    )
    _record(summary)
    if problems:
        message = "; ".join(problems)
        logger.error("pipeline run %s failed: %s", run_id, message)
        return Failed(message=message, data=PipelineFailed(message))
    logger.info("pipeline run %s succeeded", run_id)
    kept = retained.result() if retained is not None else None
    return {"extract": extracted, "dbt": built, "retention": kept, "summary": summary}
