"""What an error ends: one item (a channel, a playlist, a batch, a chart), or the whole run.

- **An item**: an API error (``playlistNotFound`` is a notice, not a failure), a page
  PostgreSQL refused, a runaway listing, or a bug met on odd data. It is recorded and the
  other items go on; the run ends ``failed`` when anything failed.
- **The run**: ``QuotaRefused`` (the plan does not fit today's budget) and ``quotaExceeded``
  end it ``incomplete``; a bad key, an API that is not enabled (``FatalApiError``) or
  unreachable (``ApiUnreachable``) end it ``failed``. What landed is kept.
- **The run, worth resuming**: the database connection breaking mid-run
  (``DatabaseLost``): the run is recorded ``failed`` if the database comes back, else the
  caller gets a ``DatabaseError``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import psycopg2

from extract.errors import (
    QUOTA_REASONS,
    ApiError,
    ApiUnreachable,
    ExtractError,
    FatalApiError,
    QuotaRefused,
    redact,
)
from extract.quota import exhausted

log = logging.getLogger(__name__)

# Errors no other item of the run can get past: they end the run.
ENDS_THE_RUN = (FatalApiError, ApiUnreachable, QuotaRefused)
# A reason that skips its item with a notice instead of failing it.
SKIPPED_REASONS = frozenset({"playlistNotFound"})


class DatabaseLost(Exception):
    """The warehouse connection broke mid-run (restart, network): wraps the driver's error."""


class Failures:
    """The failures and notices of one run, in the order they happened."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.notices: list[str] = []  # skipped, not failed (e.g. a 404 playlist)

    def each(
        self, things: Iterable[Any], step: Callable[[Any], object], name: Callable[[Any], str]
    ) -> None:
        """Run ``step`` per thing; an error of that thing is recorded and the loop goes on.
        Errors that end the run are raised (a driver error as ``DatabaseLost``)."""
        for thing in things:
            try:
                step(thing)
            except (*ENDS_THE_RUN, DatabaseLost):
                raise
            except psycopg2.Error as exc:
                raise DatabaseLost(exc) from exc
            except ApiError as exc:
                log.warning("%s", exc)
                if exc.reason in SKIPPED_REASONS:
                    self.notices.append(str(exc))
                else:
                    self.failures.append(str(exc))
            except ExtractError as exc:
                log.warning("%s", exc)
                self.failures.append(str(exc))
            except Exception as exc:
                # A bug met on odd data: that item fails, the others go on; -v shows where.
                log.debug("unexpected error on %s", name(thing), exc_info=True)
                message = redact(f"{name(thing)}: unexpected {type(exc).__name__}: {exc}")
                log.warning("%s", message)
                self.failures.append(f"{message} (run with -v for the traceback)")


def run_ended(exc: Exception, now: Callable[[], datetime], run_id: str) -> tuple[str, str]:
    """The status (``incomplete`` or ``failed``) and the message of a run ``exc`` stopped.

    ``now`` is the API's clock (the reset time of a spent quota is on it). A bug is
    ``failed`` with a one-line message (its traceback at debug level)."""
    if isinstance(exc, QuotaRefused):
        return "incomplete", str(exc)
    if isinstance(exc, FatalApiError) and exc.reason in QUOTA_REASONS:
        return "incomplete", exhausted(exc.what, now(), run_id)
    if isinstance(exc, ExtractError):  # FatalApiError, ApiUnreachable, or outside an item
        return "failed", str(exc)
    log.debug("unexpected error in run %s", run_id, exc_info=exc)
    return "failed", redact(
        f"unexpected {type(exc).__name__}: {exc} (run with -v for the traceback)"
    )


def first_line(exc: BaseException) -> str:
    """The first line of an error's message (a driver error runs over several)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def database_lost_message(error: BaseException, run_id: str) -> str:
    """What to say when the warehouse went away mid-run: the first error of the chain
    (psycopg2's connection context manager hides it behind "connection already closed")."""
    while isinstance(error.__context__, psycopg2.Error):
        error = error.__context__
    return (
        f"lost the database connection mid-run ({first_line(error)}); the pages landed "
        f"before are kept, the page in flight was rolled back: run again (or resume with "
        f"`python -m extract --run-id {run_id}`)"
    )
