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
        -- the first page of a listing has no token; the ledger stores it as ''
        nullif(page_token, '') as page_token,
        captured_at,
        {{ json_text('request', ['playlistId']) }} as playlist_id,
        {{ json_text('request', ['channelId']) }} as channel_id,
        {{ json_text('request', ['regionCode']) }} as region_code,
        -- videos.list by id: the comma-separated ids asked for (absent ones are omitted)
        case when resource = 'videos' then {{ json_text('request', ['id']) }} end
            as requested_ids,
        etag,
        next_page_token,
        total_results,
        item_count,
        cost_units,
        landed_at
    from source
)

select * from renamed
