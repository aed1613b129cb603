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
        {{ video_item_statistics_columns('item') }}
    from source
)

select * from renamed
