{# grain: one row per playlist item per extract run, bad ones flagged #}
with

source as (
    select * from {{ source('youtube', 'playlists') }}
),

extracted as (
    select
        {{ json_text('item', ['id']) }} as playlist_id,
        {{ item_columns(json_text('item', ['id'])) }},
        {{ json_text('item', ['snippet', 'channelId']) }} as channel_id,
        {{ json_text('item', ['snippet', 'title']) }} as title,
        {{ json_text('item', ['snippet', 'description']) }} as description,
        {{ json_text('item', ['snippet', 'publishedAt']) }} as published_at_text,
        {{ json_text('item', ['contentDetails', 'itemCount']) }} as item_count_text,
        {{ json_text('item', ['status', 'privacyStatus']) }} as privacy_status
    from source
),

parsed as (
    select
        *,
        {{ iso8601_to_timestamp('published_at_text') }} as published_at,
        {{ count_to_bigint('item_count_text') }} as item_count
    from extracted
),

final as (
    select
        playlist_id,
        run_id,
        captured_at,
        request_key,
        page_token,
        item_index,
        channel_id,
        title,
        description,
        published_at,
        item_count,
        privacy_status,
        {{ item_rejection('playlist_id', 'id') }} is not null as is_rejected,
        {{ problems([
            item_rejection('playlist_id', 'id'),
            value_problem('published_at_text', 'published_at', 'snippet.publishedAt', 'an ISO-8601 timestamp'),
            value_problem('item_count_text', 'item_count', 'contentDetails.itemCount', 'a count'),
        ]) }} as problem
    from parsed
)

select * from final
