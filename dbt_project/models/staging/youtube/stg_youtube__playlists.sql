{# grain: one row per playlist per extract run #}
with

source as (
    select * from {{ source('youtube', 'playlists') }}
),

renamed as (
    select
        {{ json_text('item', ['id']) }} as playlist_id,
        run_id,
        captured_at,
        request_key,
        page_token,
        {{ json_text('item', ['snippet', 'channelId']) }} as channel_id,
        {{ json_text('item', ['snippet', 'title']) }} as title,
        {{ json_text('item', ['snippet', 'description']) }} as description,
        cast({{ json_text('item', ['snippet', 'publishedAt']) }} as timestamp with time zone) as published_at,
        {{ count_to_bigint(json_text("item", ["contentDetails", "itemCount"])) }} as item_count,
        {{ json_text('item', ['status', 'privacyStatus']) }} as privacy_status
    from source
)

select * from renamed
