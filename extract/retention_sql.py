"""The statements of a raw retention pass (``retention``), one per step; each takes the
horizon as ``%(horizon)s`` and changes only rows captured before it.

The playlist items step keeps what the models read: the landings the dbt macro
``latest_crawl_pages`` chooses (rendered from the dbt project by ``dbt_rules``, over the raw
page ledger, so the rule is written once), plus the landing a 304 to each page's latest ETag
would re-use (so the extractor never has to ask again).
"""

from __future__ import annotations

from extract import dbt_rules
from extract.schema import SCHEMA

# What a capture that is not the entity's latest keeps, per table (jsonb expressions of
# ``item``). A key the API left out stays out (absent = unknown, never null).
_ID = "jsonb_build_object('id', item->'id')"


def _statistics(keys: tuple[str, ...]) -> str:
    """The ``statistics`` object with only ``keys`` (those present), or as it was when it is
    not an object; absent stays absent."""
    pairs = ", ".join(f"'{key}', item->'statistics'->'{key}'" for key in keys)
    return f"""case
        when jsonb_typeof(item->'statistics') = 'object' then jsonb_build_object(
            'statistics', jsonb_strip_nulls(jsonb_build_object({pairs})))
        when item ? 'statistics' then jsonb_build_object('statistics', item->'statistics')
        else '{{}}'::jsonb end"""


# What the staging models read from statistics (favoriteCount, always "0", is not read).
_VIDEO_COUNTS = _statistics(("viewCount", "likeCount", "commentCount"))
_CHANNEL_COUNTS = _statistics(
    ("viewCount", "subscriberCount", "hiddenSubscriberCount", "videoCount")
)
_CHART_SNIPPET = """case when jsonb_typeof(item->'snippet') = 'object' then
    jsonb_build_object('snippet', jsonb_strip_nulls(jsonb_build_object(
        'publishedAt', item->'snippet'->'publishedAt',
        'channelId', item->'snippet'->'channelId',
        'title', item->'snippet'->'title',
        'categoryId', item->'snippet'->'categoryId',
        'channelTitle', item->'snippet'->'channelTitle')))
    else '{}'::jsonb end"""
COMPACT_ITEMS = {
    "videos": f"({_ID} || {_VIDEO_COUNTS})",
    "most_popular_videos": f"({_ID} || {_CHART_SNIPPET} || {_VIDEO_COUNTS})",
    "channels": f"({_ID} || {_CHANNEL_COUNTS})",
}

# One statement per step; %(horizon)s is the cutoff. Only whole items are candidates: the API
# sends every item with its "etag" and "kind", a compacted one has neither (idempotent, and
# a cheap test on rows compacted by earlier passes).
_COMPACT_SQL = """
with candidates as (
    select ctid, item->>'id' as entity_id, captured_at
    from {schema}.{table}
    where captured_at < %(horizon)s and item ? 'id' and (item ? 'etag' or item ? 'kind')
),
recent as (
    -- entities with a capture at or after the horizon: every older one can go
    select distinct item->>'id' as entity_id
    from {schema}.{table}
    where captured_at >= %(horizon)s
),
latest_old as (
    -- the others keep their latest capture whole (it is never compacted, so it is here)
    select entity_id, max(captured_at) as captured_at
    from candidates
    group by entity_id
)
update {schema}.{table} as target
set item = {compact}
from candidates
left join recent on candidates.entity_id = recent.entity_id
left join latest_old on candidates.entity_id = latest_old.entity_id
where
    target.ctid = candidates.ctid
    and (recent.entity_id is not null or candidates.captured_at < latest_old.captured_at)
"""

_PAGES_SQL = """
with latest_run as (
    -- the latest successful run that asked videos.list: the hourly refresh re-asks its ids
    select p.run_id
    from {schema}.pages as p
    inner join {schema}.extract_runs as r on p.run_id = r.run_id
    where p.resource = 'videos' and r.status = 'succeeded'
    order by p.captured_at desc, p.landed_at desc
    limit 1
),
candidates as (
    select run_id, resource, request_key, page_token, captured_at, request->>'id' as ids
    from {schema}.pages
    where
        resource = 'videos'
        and captured_at < %(horizon)s
        and request ? 'id'
        and not coalesce((request->>'omitted_only')::boolean, false)
        and run_id not in (select run_id from latest_run)
),
returned as (
    select distinct run_id, request_key, item->>'id' as video_id
    from {schema}.videos
    where
        captured_at >= (select min(captured_at) from candidates)
        and captured_at < %(horizon)s
),
omitted as (
    select
        candidates.run_id,
        candidates.request_key,
        candidates.page_token,
        string_agg(asked.video_id, ',' order by asked.position) as ids
    from candidates
    cross join lateral unnest(string_to_array(candidates.ids, ','))
        with ordinality as asked (video_id, position)
    left join returned
        on
            candidates.run_id = returned.run_id
            and candidates.request_key = returned.request_key
            and asked.video_id = returned.video_id
    where returned.video_id is null and asked.video_id <> ''
    group by candidates.run_id, candidates.request_key, candidates.page_token
)
update {schema}.pages as target
set request = case
    when omitted.ids is null then target.request - 'id'
    else jsonb_set(target.request, '{{id}}', to_jsonb(omitted.ids))
        || '{{"omitted_only": true}}'::jsonb
end
from candidates
left join omitted
    on
        candidates.run_id = omitted.run_id
        and candidates.request_key = omitted.request_key
        and candidates.page_token = omitted.page_token
where
    target.run_id = candidates.run_id
    and target.resource = candidates.resource
    and target.request_key = candidates.request_key
    and target.page_token = candidates.page_token
"""

# The raw page ledger of playlist items, in the columns the macro latest_crawl_pages reads.
_PLAYLIST_PAGES = """
pages as (
    select
        run_id,
        request_key,
        page_token,
        captured_at,
        landed_at,
        etag,
        next_page_token,
        not_modified as is_not_modified,
        request->>'playlistId' as playlist_id
    from {schema}.pages
    where resource = 'playlist_items'
)"""

# Items no model reads any more: not in a landing of the latest complete crawls
# (page_landings, from the macro) nor in the landing the next conditional request would
# re-use; placeholders of deleted or private videos stay (they say when a video went away).
_PLAYLIST_ITEMS_SQL = """
with {pages},

{latest_crawl_pages},

latest_etag as (
    -- what the extractor's next conditional request for each page would match
    select distinct on (request_key, page_token) request_key, page_token, etag
    from pages
    where etag is not null
    order by request_key, page_token, captured_at desc, landed_at desc
),

reusable as (
    select distinct on (pages.request_key, pages.page_token)
        pages.run_id, pages.request_key, pages.page_token
    from pages
    inner join latest_etag
        on
            pages.request_key = latest_etag.request_key
            and pages.page_token = latest_etag.page_token
            and pages.etag = latest_etag.etag
    where not pages.is_not_modified
    order by pages.request_key, pages.page_token, pages.captured_at desc, pages.landed_at desc
),

kept as (
    select landing_run_id as run_id, request_key, page_token
    from page_landings
    where landing_recency = 1
    union
    select run_id, request_key, page_token from reusable
)

delete from {schema}.playlist_items as target
where
    target.captured_at < %(horizon)s
    and target.item->'contentDetails'->>'videoPublishedAt' is not null
    and not exists (
        select 1
        from kept
        where
            kept.run_id = target.run_id
            and kept.request_key = target.request_key
            and kept.page_token = target.page_token
    )
"""


def playlist_items_sql() -> str:
    """The playlist items step, with the macro rendered from the dbt project."""
    return _PLAYLIST_ITEMS_SQL.format(
        schema=SCHEMA,
        pages=_PLAYLIST_PAGES.format(schema=SCHEMA).strip(),
        latest_crawl_pages=dbt_rules.latest_crawl_pages("pages", "playlist_id"),
    )


def statements() -> list[tuple[str, str]]:
    """(step, statement) of a pass, in order."""
    steps = [
        (f"{table} items", _COMPACT_SQL.format(schema=SCHEMA, table=table, compact=compact))
        for table, compact in COMPACT_ITEMS.items()
    ]
    steps.append(("videos.list pages", _PAGES_SQL.format(schema=SCHEMA)))
    steps.append(("superseded playlist items", playlist_items_sql()))
    return steps
