{#
    grain: one row per channel per UTC day with a capture: the day's last (end-of-day)
    subscriber, view and video counts.
#}
with

channels as (
    select * from {{ ref('stg_youtube__channels') }}
    where not is_rejected
),

ranked as (
    select
        *,
        cast(captured_at as date) as stats_date,
        row_number() over (
            partition by channel_id, cast(captured_at as date)
            -- an id repeated on a page: its first copy
            order by captured_at desc, item_index asc
        ) as capture_recency
    from channels
),

final as (
    select
        channel_id,
        stats_date,
        subscriber_count,
        view_count,
        video_count,
        captured_at as last_captured_at
    from ranked
    where capture_recency = 1
)

select * from final
