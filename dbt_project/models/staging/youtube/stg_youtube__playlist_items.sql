{# grain: one row per playlist item per extract run, bad ones flagged #}
with

source as (
    select * from {{ source('youtube', 'playlist_items') }}
),

extracted as (
    select
        {{ json_text('item', ['id']) }} as playlist_item_id,
        {{ item_columns(json_text('item', ['id'])) }},
        {{ json_text('item', ['snippet', 'playlistId']) }} as playlist_id,
        coalesce(
            {{ json_text('item', ['contentDetails', 'videoId']) }},
            {{ json_text('item', ['snippet', 'resourceId', 'videoId']) }}
        ) as video_id,
        -- a playlist can hold things other than videos (resourceId.kind): flagged, not dropped
        {{ json_text('item', ['snippet', 'resourceId', 'kind']) }} as resource_kind,
        {{ json_text('item', ['snippet', 'position']) }} as position_text,
        -- the item's publishedAt is when it was ADDED to the playlist, not the video's publish time
        {{ json_text('item', ['snippet', 'publishedAt']) }} as added_at_text,
        {{ json_text('item', ['contentDetails', 'videoPublishedAt']) }} as video_published_at_text,
        {{ json_text('item', ['snippet', 'title']) }} as title,
        {{ json_text('item', ['snippet', 'videoOwnerChannelId']) }} as video_owner_channel_id,
        {{ json_text('item', ['status', 'privacyStatus']) }} as privacy_status
    from source
),

parsed as (
    select
        *,
        {{ text_to_integer('position_text') }} as position,
        {{ iso8601_to_timestamp('added_at_text') }} as added_at,
        {{ iso8601_to_timestamp('video_published_at_text') }} as video_published_at
    from extracted
),

final as (
    select
        playlist_item_id,
        run_id,
        captured_at,
        request_key,
        page_token,
        item_index,
        playlist_id,
        video_id,
        resource_kind,
        position,
        added_at,
        video_published_at,
        title,
        video_owner_channel_id,
        privacy_status,
        -- deleted and private videos stay in playlists as placeholders with no publish time
        (video_published_at_text is null) as is_placeholder,
        {{ item_rejection('playlist_item_id', 'id') }} is not null as is_rejected,
        {{ problems([
            item_rejection('playlist_item_id', 'id'),
            value_problem('position_text', 'position', 'snippet.position', 'a whole number'),
            value_problem('added_at_text', 'added_at', 'snippet.publishedAt', 'an ISO-8601 timestamp'),
            value_problem('video_published_at_text', 'video_published_at', 'contentDetails.videoPublishedAt',
                'an ISO-8601 timestamp'),
        ]) }} as problem
    from parsed
)

select * from final
