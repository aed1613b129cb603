{# grain: one row per API page landed (run, resource, request, page token) #}
with

source as (
    select * from {{ source('youtube', 'pages') }}
),

renamed as (
    select
        run_id,
        resource,
        request_key,
        -- '' for the first page of a listing
        page_token,
        captured_at,
        {{ json_text('request', ['playlistId']) }} as playlist_id,
        {{ json_text('request', ['channelId']) }} as channel_id,
        {{ json_text('request', ['regionCode']) }} as region_code,
        -- videos.list and videos.batchGetStats by id: the comma-separated ids asked for
        -- (the API omits the ones that are gone)
        case
            when resource in ('videos', 'video_batch_stats')
                then {{ json_text('request', ['id']) }}
        end as requested_ids,
        etag,
        next_page_token,
        total_results,
        item_count,
        cost_units,
        -- answered 304 Not Modified to If-None-Match: no items landed, the page still holds
        -- the items of the earlier landing with the same etag
        not_modified as is_not_modified,
        landed_at,
        -- a page dated after the build's clock (a Date header that cannot be true) would be
        -- every listing's latest crawl for ever: left out of the marts
        captured_at > {{ capture_horizon() }} as is_rejected,
        case
            when captured_at > {{ capture_horizon() }} then {{ capture_too_late() }}
        end as problem
    from source
)

select * from renamed
