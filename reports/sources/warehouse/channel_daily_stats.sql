-- grain: one row per channel per UTC day with a capture (marts.channel_daily_stats).
-- One all-NULL row when the mart is empty (see channels.sql).
select
    channel_daily_stats.channel_id,
    channel_daily_stats.stats_date,
    channel_daily_stats.subscriber_count,
    channel_daily_stats.view_count,
    channel_daily_stats.video_count,
    channel_daily_stats.subscribers_gained,
    channel_daily_stats.views_gained,
    channel_daily_stats.videos_added,
    channel_daily_stats.subscribers_gained_30d,
    channel_daily_stats.views_gained_30d,
    channel_daily_stats.videos_added_30d
from (select 1) as at_least_one_row
left join marts.channel_daily_stats on true
order by channel_daily_stats.channel_id, channel_daily_stats.stats_date
