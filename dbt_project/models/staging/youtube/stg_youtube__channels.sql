{# grain: one row per channel item per extract run, bad ones flagged #}
with

source as (
    select * from {{ source('youtube', 'channels') }}
),

extracted as (
    select
        {{ json_text('item', ['id']) }} as channel_id,
        {{ item_columns(json_text('item', ['id'])) }},
        {{ json_text('item', ['snippet', 'title']) }} as title,
        {{ json_text('item', ['snippet', 'customUrl']) }} as handle,
        {{ json_text('item', ['snippet', 'country']) }} as country_code,
        {{ json_text('item', ['snippet', 'publishedAt']) }} as published_at_text,
        {{ json_text('item', ['contentDetails', 'relatedPlaylists', 'uploads']) }}
            as uploads_playlist_id,
        {{ json_text('item', ['statistics', 'hiddenSubscriberCount']) }} as hidden_text,
        {{ json_text('item', ['statistics', 'subscriberCount']) }} as subscriber_count_text,
        {{ json_text('item', ['statistics', 'viewCount']) }} as view_count_text,
        {{ json_text('item', ['statistics', 'videoCount']) }} as video_count_text
    from source
),

parsed as (
    select
        *,
        {{ iso8601_to_timestamp('published_at_text') }} as published_at,
        {{ text_to_boolean('hidden_text') }} as is_subscriber_count_hidden,
        {{ count_to_bigint('subscriber_count_text') }} as subscriber_count_sent,
        {{ count_to_bigint('view_count_text') }} as view_count,
        {{ count_to_bigint('video_count_text') }} as video_count
    from extracted
),

final as (
    select
        channel_id,
        run_id,
        captured_at,
        request_key,
        page_token,
        item_index,
        title,
        handle,
        country_code,
        published_at,
        uploads_playlist_id,
        is_subscriber_count_hidden,
        -- a hidden subscriber count is unknown, not zero
        case
            when is_subscriber_count_hidden is not true then subscriber_count_sent
        end as subscriber_count,
        view_count,
        video_count,
        {{ item_rejection('channel_id', 'id') }} is not null as is_rejected,
        {{ problems([
            item_rejection('channel_id', 'id'),
            value_problem('published_at_text', 'published_at', 'snippet.publishedAt', 'an ISO-8601 timestamp'),
            value_problem('hidden_text', 'is_subscriber_count_hidden', 'statistics.hiddenSubscriberCount',
                'a boolean'),
            value_problem('subscriber_count_text', 'subscriber_count_sent', 'statistics.subscriberCount',
                'a count'),
            value_problem('view_count_text', 'view_count', 'statistics.viewCount', 'a count'),
            value_problem('video_count_text', 'video_count', 'statistics.videoCount', 'a count'),
        ]) }} as problem
    from parsed
)

select * from final
