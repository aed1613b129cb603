{#
    Cross-model invariant: a channel's daily view gains add up to its view growth between
    its first and last observed day (every gain is vs the previous observed day, so the sum
    telescopes), as long as no gap of over 30 days broke the chain. Returns the channels
    that disagree.
#}
with

channel_days as (
    select * from {{ ref('channel_daily_stats') }}
),

channels as (
    select
        channel_id,
        min(stats_date) as first_date,
        max(stats_date) as last_date,
        sum(views_gained) as sum_views_gained,
        -- every day but the first must have a known previous day
        sum(case when previous_stats_date is null then 1 else 0 end) as count_unchained_days,
        sum(case when view_count is null then 1 else 0 end) as count_unknown_views
    from channel_days
    group by channel_id
)

select
    channels.channel_id,
    channels.sum_views_gained,
    last_day.view_count - first_day.view_count as view_growth
from channels
inner join channel_days as first_day
    on
        channels.channel_id = first_day.channel_id
        and channels.first_date = first_day.stats_date
inner join channel_days as last_day
    on
        channels.channel_id = last_day.channel_id
        and channels.last_date = last_day.stats_date
where
    channels.count_unchained_days = 1
    and channels.count_unknown_views = 0
    and coalesce(channels.sum_views_gained, 0) <> last_day.view_count - first_day.view_count
