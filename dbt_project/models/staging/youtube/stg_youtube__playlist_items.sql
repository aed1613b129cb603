{# grain: one row per playlist item per extract run #}
with

source as (
    select * from {{ source('youtube', 'playlist_items') }}
),

renamed as (
    select
        {{ json_text('item', ['id']) }} as playlist_item_id,
        run_id,
        captured_at,
        request_key,
        page_token,
        {{ json_text('item', ['snippet', 'playlistId']) }} as playlist_id,
        coalesce(
            {{ json_text('item', ['contentDetails', 'videoId']) }},
            {{ json_text('item', ['snippet', 'resourceId', 'videoId']) }}
        ) as video_id,
        -- a playlist can hold things other than videos (resourceId.kind): flagged, not dropped
        {{ json_text('item', ['snippet', 'resourceId', 'kind']) }} as resource_kind,
        cast({{ json_text('item', ['snippet', 'position']) }} as integer) as position,
        -- the item's publishedAt is when it was ADDED to the playlist, not the video's publish time
        cast({{ json_text('item', ['snippet', 'publishedAt']) }} as timestamp with time zone) as added_at,
        cast({{ json_text('item', ['contentDetails', 'videoPublishedAt']) }} as timestamp with time zone)
            as video_published_at,
        {{ json_text('item', ['snippet', 'title']) }} as title,
        {{ json_text('item', ['snippet', 'videoOwnerChannelId']) }} as video_owner_channel_id,
        {{ json_text('item', ['status', 'privacyStatus']) }} as privacy_status,
        -- deleted and private videos stay in playlists as placeholders with no publish time
        ({{ json_text('item', ['contentDetails', 'videoPublishedAt']) }} is null)
            as is_placeholder
    from source
)

select * from renamed
