-- grain: one row per entry of each chart's latest capture (region, chart category): the
-- entries of the latest run that captured that chart, from marts.trending_videos. A chart
-- of many pages is captured page by page, so its latest run, not its latest timestamp,
-- delimits it. One all-NULL row when the mart is empty (see channels.sql).
with

latest_runs as (
    select
        region_code,
        chart_category_id,
        run_id,
        row_number() over (
            partition by region_code, chart_category_id
            order by captured_at desc, run_id desc
        ) as recency
    from marts.trending_videos
),

latest_entries as (
    select trending_videos.*
    from marts.trending_videos
    inner join latest_runs
        on
            trending_videos.region_code = latest_runs.region_code
            and trending_videos.chart_category_id = latest_runs.chart_category_id
            and trending_videos.run_id = latest_runs.run_id
    where latest_runs.recency = 1
)

select
    latest_entries.region_code,
    latest_entries.chart_category_id,
    latest_entries.captured_at,
    latest_entries.chart_rank,
    latest_entries.video_id,
    latest_entries.title,
    latest_entries.channel_id,
    latest_entries.channel_title,
    latest_entries.category_id,
    latest_entries.published_at,
    latest_entries.view_count,
    latest_entries.like_count,
    latest_entries.comment_count
from (select 1) as at_least_one_row
left join latest_entries on true
order by latest_entries.region_code, latest_entries.chart_category_id, latest_entries.chart_rank
