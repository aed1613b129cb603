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
        {{ video_item_statistics_columns('item') }}
    from source
)

select * from renamed
