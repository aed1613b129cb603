{# grain: one row per chart entry (region, category, rank) per extract run #}
with

source as (
    select * from {{ source('youtube', 'most_popular_videos') }}
),

renamed as (
    select
        {{ json_text('item', ['id']) }} as video_id,
        run_id,
        captured_at,
        request_key,
        {{ json_text('request', ['regionCode']) }} as region_code,
        coalesce({{ json_text('request', ['videoCategoryId']) }}, '0') as chart_category_id,
        -- item_index is the zero-based position across the chart's pages
        item_index + 1 as chart_rank,
        {{ json_text('item', ['snippet', 'channelId']) }} as channel_id,
        {{ json_text('item', ['snippet', 'channelTitle']) }} as channel_title,
        {{ json_text('item', ['snippet', 'title']) }} as title,
        {{ json_text('item', ['snippet', 'categoryId']) }} as category_id,
        cast({{ json_text('item', ['snippet', 'publishedAt']) }} as timestamp with time zone)
            as published_at,
        {{ json_text('item', ['contentDetails', 'duration']) }} as duration_iso8601,
        {{ iso8601_duration_seconds(json_text('item', ['contentDetails', 'duration'])) }}
            as duration_seconds,
        {{ json_text('item', ['status', 'privacyStatus']) }} as privacy_status,
        {{ count_to_bigint(json_text('item', ['statistics', 'viewCount'])) }} as view_count,
        {{ count_to_bigint(json_text('item', ['statistics', 'likeCount'])) }} as like_count,
        {{ count_to_bigint(json_text('item', ['statistics', 'commentCount'])) }} as comment_count,
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
