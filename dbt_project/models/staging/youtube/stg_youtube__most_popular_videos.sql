{#
    grain: one row per chart entry (region, category, rank) per extract run, bad ones
    flagged
#}
with

source as (
    select * from {{ source('youtube', 'most_popular_videos') }}
),

extracted as (
    select
        {{ json_text('item', ['id']) }} as video_id,
        {{ item_columns(json_text('item', ['id'])) }},
        {{ json_text('request', ['regionCode']) }} as region_code,
        coalesce({{ json_text('request', ['videoCategoryId']) }}, '0') as chart_category_id,
        -- item_index is the zero-based position across the chart's pages
        item_index + 1 as chart_rank,
        {{ json_text('item', ['snippet', 'channelId']) }} as channel_id,
        {{ json_text('item', ['snippet', 'channelTitle']) }} as channel_title,
        {{ json_text('item', ['snippet', 'title']) }} as title,
        {{ json_text('item', ['snippet', 'categoryId']) }} as category_id,
        {{ json_text('item', ['snippet', 'publishedAt']) }} as published_at_text,
        {{ video_item_texts('item') }}
    from source
),

parsed as (
    select
        *,
        {{ iso8601_to_timestamp('published_at_text') }} as published_at,
        {{ video_item_statistics_columns() }}
    from extracted
),

final as (
    select
        video_id,
        run_id,
        captured_at,
        request_key,
        page_token,
        item_index,
        region_code,
        chart_category_id,
        chart_rank,
        channel_id,
        channel_title,
        title,
        category_id,
        published_at,
        duration_iso8601,
        duration_seconds,
        privacy_status,
        view_count,
        like_count,
        comment_count,
        is_like_count_hidden,
        is_comment_count_hidden,
        is_statistics_missing,
        {{ item_rejection('video_id', 'id') }} is not null as is_rejected,
        {{ problems([
            item_rejection('video_id', 'id'),
            value_problem('published_at_text', 'published_at', 'snippet.publishedAt', 'an ISO-8601 timestamp'),
        ] + video_item_problems()) }} as problem
    from parsed
)

select * from final
