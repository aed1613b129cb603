{#
    grain: one row per video with a day in the last 30 days of history (video_id): the views
    it gained over the last 7 and the last 30 days. The windows end at the latest day of
    video_daily_stats (the same day for every video) and hold the days after it minus 7 or
    30; a sum is NULL when none of its days has a known gain. The videos and playlists marts
    read these sums from here, and the report pages from those marts.
#}
with

video_daily_stats as (
    select * from {{ ref('video_daily_stats') }}
),

latest_day as (
    select max(stats_date) as stats_date
    from video_daily_stats
),

final as (
    select
        video_daily_stats.video_id,
        cast(
            sum(
                case
                    when video_daily_stats.stats_date > {{ dbt.dateadd('day', -7, 'latest_day.stats_date') }}
                        then video_daily_stats.views_gained
                end
            )
            as bigint
        ) as views_gained_7d,
        cast(sum(video_daily_stats.views_gained) as bigint) as views_gained_30d
    from video_daily_stats
    inner join latest_day
        on video_daily_stats.stats_date > {{ dbt.dateadd('day', -30, 'latest_day.stats_date') }}
    group by video_daily_stats.video_id
)

select * from final
