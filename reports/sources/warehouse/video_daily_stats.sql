-- grain: one row per video per UTC day with a capture (marts.video_daily_stats): end-of-day
-- counts and the day's gains, for the last 90 days of history (the video pages' charts). All
-- of it would be every video's every day (2M rows a year of 5,400 videos), all of it shipped
-- to every browser. Sorted by video and day: a video page fetches one small range of the
-- file. One all-NULL row when the mart is empty (see channels.sql).
select
    video_daily_stats.video_id,
    video_daily_stats.stats_date,
    video_daily_stats.view_count,
    video_daily_stats.like_count,
    video_daily_stats.comment_count,
    video_daily_stats.views_gained,
    video_daily_stats.likes_gained,
    video_daily_stats.comments_gained
from (select 1) as at_least_one_row
left join marts.video_daily_stats
    on video_daily_stats.stats_date > (
        select max(latest.stats_date) - 90 from marts.video_daily_stats as latest
    )
order by video_daily_stats.video_id, video_daily_stats.stats_date
