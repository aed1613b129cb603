{#
    grain: one row per channel returned by channels.list (the tracked channels), with its
    latest snapshot and the 30-day gains of its latest day in channel_daily_stats.
#}
with

channels as (
    select * from {{ ref('stg_youtube__channels') }}
    where not is_rejected
),

channel_daily_stats as (
    select * from {{ ref('channel_daily_stats') }}
),

latest_days as (
    select
        channel_id,
        stats_date,
        subscribers_gained_30d,
        views_gained_30d,
        videos_added_30d,
        row_number() over (partition by channel_id order by stats_date desc) as day_recency
    from channel_daily_stats
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
        ranked.channel_id,
        ranked.title,
        ranked.handle,
        ranked.country_code,
        ranked.published_at,
        ranked.uploads_playlist_id,
        ranked.subscriber_count,
        ranked.is_subscriber_count_hidden,
        ranked.view_count,
        ranked.video_count,
        latest_days.stats_date as latest_stats_date,
        latest_days.subscribers_gained_30d,
        latest_days.views_gained_30d,
        latest_days.videos_added_30d,
        ranked.first_captured_at,
        ranked.captured_at as last_captured_at
    from ranked
    left join latest_days
        on
            ranked.channel_id = latest_days.channel_id
            and latest_days.day_recency = 1
    where ranked.capture_recency = 1
)

select * from final
