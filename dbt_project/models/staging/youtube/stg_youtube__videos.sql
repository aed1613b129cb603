{# grain: one row per video per extract run #}
with

source as (
    select * from {{ source('youtube', 'videos') }}
),

renamed as (
    select
        {{ json_text('item', ['id']) }} as video_id,
        run_id,
        captured_at,
        {{ json_text('item', ['snippet', 'channelId']) }} as channel_id,
        {{ json_text('item', ['snippet', 'title']) }} as title,
        {{ json_text('item', ['snippet', 'description']) }} as description,
        {{ json_text('item', ['snippet', 'categoryId']) }} as category_id,
        cast({{ json_text('item', ['snippet', 'publishedAt']) }} as timestamp with time zone) as published_at,
        {{ json_text('item', ['contentDetails', 'duration']) }} as duration_iso8601,
        {{ json_text('item', ['status', 'privacyStatus']) }} as privacy_status,
        -- counts are uint64 strings; an absent key (hidden likes, disabled comments) stays NULL
        cast({{ json_text('item', ['statistics', 'viewCount']) }} as bigint) as view_count,
        cast({{ json_text('item', ['statistics', 'likeCount']) }} as bigint) as like_count,
        cast({{ json_text('item', ['statistics', 'commentCount']) }} as bigint) as comment_count,
        not {{ json_has_key('item', ['statistics'], 'likeCount') }} as is_like_count_hidden,
        not {{ json_has_key('item', ['statistics'], 'commentCount') }} as is_comment_count_hidden
    from source
)

select * from renamed
