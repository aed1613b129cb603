{#
    grain: one row per channel returned by channels.list (the tracked channels), with its
    latest snapshot.
#}
with

channels as (
    select * from {{ ref('stg_youtube__channels') }}
    where not is_rejected
),

ranked as (
    select
        *,
        min(captured_at) over (partition by channel_id) as first_captured_at,
        row_number() over (
            partition by channel_id
            -- an id repeated on a page: its first copy
            order by captured_at desc, item_index asc
        ) as capture_recency
    from channels
),

final as (
    select
        channel_id,
        title,
        handle,
        country_code,
        published_at,
        uploads_playlist_id,
        subscriber_count,
        is_subscriber_count_hidden,
        view_count,
        video_count,
        first_captured_at,
        captured_at as last_captured_at
    from ranked
    where capture_recency = 1
)

select * from final
