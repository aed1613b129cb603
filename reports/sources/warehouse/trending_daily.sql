-- grain: one row per (region, chart category, UTC day, video) on that chart that day, from
-- marts.trending_videos: the day's best rank and how many hourly runs charted it. Keeps the
-- pages' region x day view and video trending history small (the mart holds every hourly
-- entry). One all-NULL row when the mart is empty (see channels.sql).
with

daily as (
    select
        region_code,
        chart_category_id,
        cast(captured_at at time zone 'UTC' as date) as chart_date,
        video_id,
        min(chart_rank) as best_rank,
        count(distinct run_id) as count_runs
    from marts.trending_videos
    group by 1, 2, 3, 4
)

select
    daily.region_code,
    daily.chart_category_id,
    daily.chart_date,
    daily.video_id,
    daily.best_rank,
    daily.count_runs
from (select 1) as at_least_one_row
left join daily on true
order by daily.region_code, daily.chart_category_id, daily.chart_date, daily.best_rank
