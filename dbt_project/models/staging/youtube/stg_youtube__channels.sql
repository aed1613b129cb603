{# grain: one row per channel per extract run #}
with

source as (
    select * from {{ source('youtube', 'channels') }}
),

renamed as (
    select
        {{ json_text('item', ['id']) }} as channel_id,
        run_id,
        captured_at,
        {{ json_text('item', ['snippet', 'title']) }} as title,
        {{ json_text('item', ['snippet', 'customUrl']) }} as handle,
        {{ json_text('item', ['snippet', 'country']) }} as country_code,
        cast({{ json_text('item', ['snippet', 'publishedAt']) }} as timestamp with time zone) as published_at,
        {{ json_text('item', ['contentDetails', 'relatedPlaylists', 'uploads']) }}
            as uploads_playlist_id,
        cast({{ json_text('item', ['statistics', 'hiddenSubscriberCount']) }} as boolean)
            as is_subscriber_count_hidden,
        -- a hidden subscriber count is unknown, not zero
        case
            when {{ json_text('item', ['statistics', 'hiddenSubscriberCount']) }} = 'true'
                then null
            else {{ count_to_bigint(json_text("item", ["statistics", "subscriberCount"])) }}
        end as subscriber_count,
        {{ count_to_bigint(json_text("item", ["statistics", "viewCount"])) }} as view_count,
        {{ count_to_bigint(json_text("item", ["statistics", "videoCount"])) }} as video_count
    from source
)

select * from renamed
