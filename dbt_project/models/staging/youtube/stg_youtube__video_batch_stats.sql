{#
    grain: one row per videoStats item per extract run (a videos.batchGetStats item), bad
    ones flagged
#}
with

source as (
    select * from {{ source('youtube', 'video_batch_stats') }}
),

extracted as (
    select
        {{ json_text('item', ['id']) }} as video_id,
        {{ item_columns(json_text('item', ['id'])) }},
        {{ json_text('item', ['kind']) }} as item_kind,
        {{ json_text('item', ['etag']) }} as etag,
        {{ json_text('item', ['snippet', 'publishTime']) }} as published_at_text,
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
        item_kind,
        etag,
        published_at,
        duration_iso8601,
        duration_seconds,
        view_count,
        like_count,
        comment_count,
        is_like_count_hidden,
        is_comment_count_hidden,
        is_statistics_missing,
        {{ item_rejection('video_id', 'id') }} is not null as is_rejected,
        {{ problems([
            item_rejection('video_id', 'id'),
            value_problem('published_at_text', 'published_at', 'snippet.publishTime', 'an ISO-8601 timestamp'),
        ] + video_item_problems()) }} as problem
    from parsed
)

select * from final
