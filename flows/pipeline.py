"""The pipeline flow: extract every configured channel and region, then ``dbt build``.

Failures are loud: the flow run fails (red in the Prefect UI) when extraction was incomplete
or a dbt model or test failed, after dbt has still built what did land. It fails with a
``Failed`` state carrying the message (no traceback in the logs: nothing crashed).

The extract task is retried (resuming the same run id, so pages already landed are neither
asked for nor landed again) when the database went away mid-run or could not be reached. Not
for what a retry cannot fix: configuration, a bad key, the day's quota; API errors were
already retried request by request.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flows.env import prepare

prepare()

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.runtime import task_run as current_task_run  # noqa: E402
from prefect.states import Failed, State  # noqa: E402

from extract import database  # noqa: E402
from extract.errors import ExtractError, FatalApiError  # noqa: E402
from extract.run import new_run_id, run_extract  # noqa: E402
from extract.settings import ConfigError, Settings  # noqa: E402
from flows import transform  # noqa: E402

EXTRACT_RETRIES = 2


class PipelineFailed(RuntimeError):
    """Extraction or dbt reported failures; the message lists them."""


class ExtractInterrupted(ExtractError):
    """The run stopped on something that may pass; the task retry resumes it."""


def _worth_retrying(task: Any, task_run: Any, state: Any) -> bool:
    """Retry what may pass (the database restarting), not what a retry cannot fix: bad
    configuration, a bad key, the day's quota spent."""
    try:
        state.result()
    except (ConfigError, FatalApiError):
        return False
    except Exception:
        return True
    return False


@task(
    name="extract-youtube",
    retries=EXTRACT_RETRIES,
    retry_delay_seconds=[10, 60],
    retry_condition_fn=_worth_retrying,
    cache_policy=NO_CACHE,
)
def extract_task(run_id: str) -> dict[str, Any]:
    """Land the API's answers in raw_youtube; a retry resumes the same run (no duplicates)."""
    logger = get_run_logger()
    settings = Settings.from_env()
    conn = database.resolve()
    result = run_extract(settings, conn, run_id=run_id)
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
    logger = get_run_logger()
    summary = transform.build(database.resolve(), full_refresh=full_refresh)
    logger.info(summary.line())
    for failure in summary.failures:
        logger.error(failure)
    return asdict(summary)


@flow(name="tubewarehouse-pipeline", log_prints=True)
def pipeline(full_refresh: bool = False) -> dict[str, Any] | State:
    """Extract, then build and test the warehouse."""
    logger = get_run_logger()
    Settings.from_env()  # a configuration error fails the run at once, before any task
    run_id = new_run_id()
    extracted = extract_task(run_id)
    built = dbt_build_task(full_refresh)
    problems = [*extracted["failures"]]
    if extracted["status"] != "succeeded":
        problems.insert(0, f"extract run {run_id} {extracted['status']}")
    problems += built["failures"]
    if not built["success"] and not built["failures"]:
        problems.append("dbt build failed (see its log above)")
    if problems:
        message = "; ".join(problems)
        logger.error("pipeline run %s failed: %s", run_id, message)
        return Failed(message=message, data=PipelineFailed(message))
    logger.info("pipeline run %s succeeded", run_id)
    return {"extract": extracted, "dbt": built}
