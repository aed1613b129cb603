{#
    grain: one row per video id asked for in a videos.list or videos.batchGetStats page by id
    (run, resource, request, id).
    The API silently omits deleted, private and unknown ids, so what was asked is read from the
    page ledger and compared by id with what came back, never by position.
#}
with

pages as (
    select * from {{ ref('stg_youtube__pages') }}
    where
        requested_ids is not null
        and not is_rejected
),

positions as (
    -- a videos.list or batchGetStats call takes at most 50 ids
    {{ integers(1, 50) }}
),

final as (
    select
        pages.run_id,
        pages.resource,
        pages.request_key,
        pages.captured_at,
        positions.n as requested_position,
        -- dbt.split_part takes only a literal part number; split_part itself (Postgres,
        -- DuckDB, Snowflake, Redshift) takes a column
        split_part(pages.requested_ids, ',', positions.n) as video_id
    from pages
    inner join positions
        on
            positions.n <= {{ dbt.length('pages.requested_ids') }}
            - {{ dbt.length(dbt.replace('pages.requested_ids', "','", "''")) }} + 1
)

select * from final
