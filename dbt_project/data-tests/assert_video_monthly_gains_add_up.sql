{#
    Cross-model invariant: a video's monthly gains are the sums of its daily gains in that
    month, a gain spanning several days counted in the month of the day it ends on (NULL
    when no day of the month has a known gain), and the month counts its observed days and
    multi-day gains. Returns the video-months that disagree.
#}
with

video_days as (
    select * from {{ ref('video_daily_stats') }}
),

video_months as (
    select * from {{ ref('video_monthly_stats') }}
),

summed as (
    select
        video_id,
        cast({{ dbt.date_trunc('month', 'stats_date') }} as date) as month,
        sum(views_gained) as views_gained,
        sum(likes_gained) as likes_gained,
        count(*) as count_days_observed,
        sum(case when is_multi_day_gain then 1 else 0 end) as count_multi_day_gains
    from video_days
    group by video_id, cast({{ dbt.date_trunc('month', 'stats_date') }} as date)
)

select
    summed.video_id,
    summed.month,
    summed.views_gained as daily_views_gained,
    video_months.views_gained as monthly_views_gained
from summed
left join video_months
    on
        summed.video_id = video_months.video_id
        and summed.month = video_months.month
where
    video_months.video_id is null
    or coalesce(summed.views_gained, -1) <> coalesce(video_months.views_gained, -1)
    or coalesce(summed.likes_gained, -1) <> coalesce(video_months.likes_gained, -1)
    or summed.count_days_observed <> video_months.count_days_observed
    or summed.count_multi_day_gains <> video_months.count_multi_day_gains
