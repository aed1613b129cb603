"""The refresh planner's tables: ``raw_youtube.video_refresh_state`` (its input),
``raw_youtube.refresh_plan`` (its output) and the plan's figures in
``raw_youtube.extract_runs.refresh_summary``. All are written by extract only.

The state is updated after each step from the raw rows the step landed in this run
(``update_from_run``), and can be rebuilt from every raw row (``rebuild``): a warehouse with
history and an empty state table (the first run of this version) gets it rebuilt before
planning. Both fold the same events (``refresh_state``), so they agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

import psycopg2.extras

from extract.planner import PlanRow
from extract.refresh_state import (
    COLUMNS,
    STATE_RESOURCES,
    VideoState,
    apply_item,
    apply_missing,
)
from extract.resources import MOST_POPULAR, Resource
from extract.schema import SCHEMA

STATE = f"{SCHEMA}.video_refresh_state"
PLAN_COLUMNS = (
    "run_id, planned_at, video_id, reason, chosen, due_at, next_due_at, hours_stale, method"
)
_FETCH = 10_000  # rows per round trip when reading raw tables


def load_state(conn: Any, video_ids: Iterable[str] | None = None) -> dict[str, VideoState]:
    """Every state row (or those of ``video_ids``)."""
    sql = f"select {', '.join(COLUMNS)} from {STATE}"
    with conn, conn.cursor() as cur:
        if video_ids is None:
            cur.execute(sql)
        else:
            cur.execute(sql + " where video_id = any(%s)", (list(video_ids),))
        return {row[0]: VideoState(*row) for row in cur.fetchall()}


def _save(conn: Any, states: Iterable[VideoState]) -> int:
    rows = [state.as_tuple() for state in states]
    if not rows:
        return 0
    updates = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS[1:])
    with conn, conn.cursor() as cur:
        psycopg2.extras.execute_values(
            cur,
            f"""insert into {STATE} ({", ".join(COLUMNS)}) values %s
                on conflict (video_id) do update set {updates}, updated_at = now()""",
            rows,
            page_size=1000,
        )
    return len(rows)


def _events(
    conn: Any, resource: Resource, run_id: str | None
) -> Iterator[tuple[str, str, datetime, Any]]:
    """("item", resource, at, item) for each raw row, ("missing", resource, at, id) for each
    id asked for and not returned; of one run, or of every run when ``run_id`` is None."""
    where = "where run_id = %s" if run_id is not None else ""
    params = (run_id,) if run_id is not None else ()
    returned: dict[tuple[str, str, str], set[str]] = {}
    with conn, conn.cursor(name=f"state_{resource.table}") as cur:
        cur.itersize = _FETCH
        cur.execute(
            f"""select run_id, request_key, page_token, captured_at, item
                from {SCHEMA}.{resource.table} {where}""",
            params,
        )
        for run, key, token, at, item in cur:
            yield "item", resource.name, at, item
            if (
                resource is not MOST_POPULAR
                and isinstance(item, dict)
                and isinstance(item.get("id"), str)
            ):
                returned.setdefault((run, key, token), set()).add(item["id"])
    if resource is MOST_POPULAR:
        return
    with conn, conn.cursor() as cur:
        cur.execute(
            f"""select run_id, request_key, page_token, captured_at, request->>'id'
                from {SCHEMA}.pages
                where resource = %s and not not_modified
                    {"and run_id = %s" if run_id is not None else ""}""",
            (resource.name, *params),
        )
        for run, key, token, at, asked in cur.fetchall():
            got = returned.get((run, key, token), set())
            for video_id in (asked or "").split(","):
                if video_id and video_id not in got:
                    yield "missing", resource.name, at, video_id


def _fold(states: dict[str, VideoState], events: Iterable[tuple[str, str, datetime, Any]]) -> None:
    for kind, resource, at, what in events:
        if kind == "item":
            apply_item(states, resource, what, at)
        else:
            apply_missing(states, what, at)


def update_from_run(conn: Any, run_id: str, resource: Resource) -> int:
    """Fold what ``run_id`` landed of ``resource`` into the state; returns the rows written.
    Idempotent: a resumed run folds its earlier attempts' rows again, to the same state."""
    events = list(_events(conn, resource, run_id))
    ids = {what if kind == "missing" else _item_id(what) for kind, _, _, what in events}
    ids.discard(None)
    states = load_state(conn, ids)  # type: ignore[arg-type]
    _fold(states, events)
    return _save(conn, (states[i] for i in ids if i in states))  # type: ignore[index]


def _item_id(item: Any) -> str | None:
    video_id = item.get("id") if isinstance(item, dict) else None
    return video_id if isinstance(video_id, str) and video_id else None


def rebuild(conn: Any) -> int:
    """Recompute the whole state from the raw tables (every run); returns the rows."""
    states: dict[str, VideoState] = {}
    for resource in STATE_RESOURCES:
        _fold(states, _events(conn, resource, None))
    with conn, conn.cursor() as cur:
        cur.execute(f"delete from {STATE}")
    return _save(conn, states.values())


def state_is_empty_with_history(conn: Any) -> bool:
    """No state rows while raw video rows exist: the state needs rebuilding."""
    with conn, conn.cursor() as cur:
        cur.execute(
            f"""select not exists (select 1 from {STATE})
                    and exists (select 1 from {SCHEMA}.videos)"""
        )
        return bool(cur.fetchone()[0])


def write_plan(
    conn: Any, run_id: str, planned_at: datetime, rows: list[PlanRow], methods: dict[str, str]
) -> None:
    """Append the plan's rows; ``methods``: what refreshed each chosen video (absent: none).

    A resumed run plans again: its earlier attempts' rows for the videos planned again, and
    those nothing refreshed, are replaced, so a run keeps one row per video (and the videos
    an earlier attempt refreshed keep theirs)."""
    if not rows:
        return
    values = [
        (
            run_id,
            planned_at,
            row.video_id,
            row.reason,
            row.chosen,
            row.due_at,
            row.next_due_at,
            row.hours_stale,
            methods.get(row.video_id),
        )
        for row in rows
    ]
    with conn, conn.cursor() as cur:
        cur.execute(
            f"""delete from {SCHEMA}.refresh_plan
                where run_id = %s and (method is null or video_id = any(%s))""",
            (run_id, [row.video_id for row in rows]),
        )
        psycopg2.extras.execute_values(
            cur,
            f"insert into {SCHEMA}.refresh_plan ({PLAN_COLUMNS}) values %s",
            values,
            page_size=1000,
        )


def write_summary(conn: Any, run_id: str, summary: dict[str, Any]) -> None:
    """The plan's figures (``RefreshPlan.summary``) on the run's record: the run report and
    the ``refresh_runs`` mart read the same numbers (a resumed run's latest plan wins)."""
    with conn, conn.cursor() as cur:
        cur.execute(
            f"update {SCHEMA}.extract_runs set refresh_summary = %s where run_id = %s",
            (psycopg2.extras.Json(summary), run_id),
        )
