{# grain: one row per video per extract run (a videos.list item) #}
with

source as (
    select * from {{ source('youtube', 'videos') }}
),

renamed as (
    select
        {{ json_text('item', ['id']) }} as video_id,
        run_id,
        captured_at,
        request_key,
        {{ json_text('item', ['kind']) }} as item_kind,
        {{ json_text('item', ['snippet', 'channelId']) }} as channel_id,
        {{ json_text('item', ['snippet', 'channelTitle']) }} as channel_title,
        {{ json_text('item', ['snippet', 'title']) }} as title,
        {{ json_text('item', ['snippet', 'description']) }} as description,
        {{ json_text('item', ['snippet', 'categoryId']) }} as category_id,
        cast({{ json_text('item', ['snippet', 'publishedAt']) }} as timestamp with time zone)
            as published_at,
        {{ json_text('item', ['contentDetails', 'duration']) }} as duration_iso8601,
        {{ iso8601_duration_seconds(json_text('item', ['contentDetails', 'duration'])) }}
            as duration_seconds,
        {{ json_text('item', ['status', 'privacyStatus']) }} as privacy_status,
        -- counts are uint64 strings; an absent key (hidden likes, disabled comments) stays NULL
        {{ count_to_bigint(json_text('item', ['statistics', 'viewCount'])) }} as view_count,
        {{ count_to_bigint(json_text('item', ['statistics', 'likeCount'])) }} as like_count,
        {{ count_to_bigint(json_text('item', ['statistics', 'commentCount'])) }} as comment_count,
        -- without the statistics part nothing is known about hiding: NULL, not true
        case
            when {{ json_has_key('item', [], 'statistics') }}
                then not {{ json_has_key('item', ['statistics'], 'likeCount') }}
        end as is_like_count_hidden,
        case
            when {{ json_has_key('item', [], 'statistics') }}
                then not {{ json_has_key('item', ['statistics'], 'commentCount') }}
        end as is_comment_count_hidden,
        not {{ json_has_key('item', [], 'statistics') }} as is_statistics_missing
    from source
)

select * from renamed
