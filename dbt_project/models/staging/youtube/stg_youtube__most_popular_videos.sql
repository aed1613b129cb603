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
        {{ json_text('request', ['regionCode']) }} as region_code,
        coalesce({{ json_text('request', ['videoCategoryId']) }}, '0') as chart_category_id,
        item_index + 1 as chart_rank,
        {{ json_text('item', ['snippet', 'channelId']) }} as channel_id,
        {{ json_text('item', ['snippet', 'channelTitle']) }} as channel_title,
        {{ json_text('item', ['snippet', 'title']) }} as title,
        {{ json_text('item', ['snippet', 'categoryId']) }} as category_id,
        cast({{ json_text('item', ['snippet', 'publishedAt']) }} as timestamp with time zone) as published_at,
        cast({{ json_text('item', ['statistics', 'viewCount']) }} as bigint) as view_count,
        cast({{ json_text('item', ['statistics', 'likeCount']) }} as bigint) as like_count,
        cast({{ json_text('item', ['statistics', 'commentCount']) }} as bigint) as comment_count
    from source
)

select * from renamed
