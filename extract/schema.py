"""The raw schema ``raw_youtube``: its tables, indexes and comments, created if missing.

Every raw table is append-only and holds one row per API item, its JSON unmodified (jsonb),
with the run id, the capture time and the request's key parameters (``ITEM_COLUMNS``). The
page ledger ``pages`` (one row per page per run), the run records ``extract_runs`` and the
``quota_ledger`` (one row per HTTP attempt, with its quota bucket) sit beside them, and the
refresh planner's ``video_refresh_state`` (its input) and ``refresh_plan`` (its output).
dbt's sources read these tables (never ``video_refresh_state``); their names are the contract
(``resources``).
"""

from __future__ import annotations

from typing import Any

from extract import resources

SCHEMA = "raw_youtube"
ITEM_COLUMNS = "run_id, captured_at, request_key, page_token, item_index, request, item"

_ITEM_TABLE = """
create table if not exists {schema}.{table} (
    run_id text not null,
    captured_at timestamptz not null,
    request_key text not null,
    page_token text not null,
    item_index integer not null,  -- position in the whole listing, across pages
    request jsonb not null,
    item jsonb not null
);
create index if not exists {table}_captured_at_brin on {schema}.{table} using brin (captured_at);
comment on table {schema}.{table} is
    'Append-only: one row per API item returned by {method}, JSON unmodified.';
"""
# Conditional resources: a 304 page's items are read back from the landing it matched.
_PAGE_INDEX = """
create index if not exists {table}_page on {schema}.{table} (request_key, page_token, run_id);
"""

_DDL = """
create schema if not exists {schema};
create table if not exists {schema}.extract_runs (
    run_id text primary key,
    started_at timestamptz not null,
    finished_at timestamptz,
    status text not null check (status in ('running', 'succeeded', 'failed', 'incomplete')),
    message text,
    config jsonb not null default '{{}}',
    units_spent integer,
    rows_landed jsonb
);
alter table {schema}.extract_runs add column if not exists transformed_at timestamptz;
comment on column {schema}.extract_runs.transformed_at is
    'When a dbt build that read this run''s rows succeeded (set by the pipeline flow): raw '
    'retention compacts only captures of runs the marts have consumed.';
alter table {schema}.extract_runs add column if not exists refresh_summary jsonb;
comment on column {schema}.extract_runs.refresh_summary is
    'A stats run''s refresh plan in figures (extract.planner.RefreshPlan.summary): units '
    'planned and left, videos refreshed and left per reason, and the staleness of the '
    'available videos when it planned (staleness_hours: p50, p95, max). Null for other runs.';
create table if not exists {schema}.pages (
    run_id text not null,
    resource text not null,
    request_key text not null,
    page_token text not null,
    request jsonb not null,
    captured_at timestamptz not null,
    etag text,
    next_page_token text,
    total_results bigint,
    item_count integer not null,
    cost_units integer not null,
    landed_at timestamptz not null default now(),
    primary key (run_id, resource, request_key, page_token)
);
alter table {schema}.pages add column if not exists not_modified boolean not null default false;
comment on column {schema}.pages.not_modified is
    'A 304 to If-None-Match: no items landed; they are those of the landing (not_modified = '
    'false) of the same resource, request_key and page_token with the same etag.';
create index if not exists pages_by_request
    on {schema}.pages (resource, request_key, page_token, captured_at desc);
create index if not exists pages_by_resource on {schema}.pages (resource, captured_at desc);
create table if not exists {schema}.quota_ledger (
    run_id text not null,
    requested_at timestamptz not null,
    method text not null,
    resource text not null,
    units integer not null,
    pacific_day date not null,
    http_status integer,
    reason text
);
comment on table {schema}.quota_ledger is
    'One row per API request (retries and failures included) with the quota units it cost, '
    'by the Pacific-time day the quota is counted in. http_status is null when no answer came.';
create index if not exists quota_ledger_pacific_day on {schema}.quota_ledger (pacific_day);
alter table {schema}.quota_ledger add column if not exists bucket text not null default 'default';
comment on column {schema}.quota_ledger.bucket is
    'The quota bucket the method charges (extract.quota.METHOD_BUCKETS): stats for '
    'videos.batchGetStats, search for search.list, default for every other method.';
alter table {schema}.quota_ledger add column if not exists request jsonb;
comment on column {schema}.quota_ledger.request is
    'The parameters asked (as pages.request has them, without the key): which chart, playlist '
    'or ids an error answered. Null in rows written before this column existed.';
create table if not exists {schema}.video_refresh_state (
    video_id text primary key,
    published_at timestamptz,
    is_available boolean,
    availability_checked_at timestamptz,
    last_captured_at timestamptz,
    last_view_count bigint,
    previous_captured_at timestamptz,
    previous_view_count bigint,
    last_charted_at timestamptz,
    metadata_captured_at timestamptz,
    updated_at timestamptz not null default now()
);
comment on table {schema}.video_refresh_state is
    'Written only by extract (after each step, from the rows it landed): what the refresh '
    'planner knows of each video; rebuildable from the raw tables (extract.refresh_store).';
create table if not exists {schema}.refresh_plan (
    run_id text not null,
    planned_at timestamptz not null,
    video_id text not null,
    reason text not null,
    chosen boolean not null,
    due_at timestamptz,
    next_due_at timestamptz,
    hours_stale double precision,
    method text
);
comment on table {schema}.refresh_plan is
    'Per stats run, one row per video the planner chose and one per video due but left out '
    '(chosen = false). method: what refreshed it (null: nothing this run). Appended run by '
    'run; a resumed run replaces its earlier attempts'' rows that nothing refreshed.';
create index if not exists refresh_plan_run on {schema}.refresh_plan (run_id);
"""


def ensure_schema(cur: Any) -> None:
    """Create whatever of the raw schema is missing (idempotent: every statement is)."""
    cur.execute(_DDL.format(schema=SCHEMA))
    for resource in resources.ALL:
        cur.execute(
            _ITEM_TABLE.format(schema=SCHEMA, table=resource.table, method=resource.api_method)
        )
        if resource.conditional or resource is resources.CHANNELS:
            cur.execute(_PAGE_INDEX.format(schema=SCHEMA, table=resource.table))
