{#
    grain: one row per entry of each chart's latest capture (region_code, chart_category_id,
    chart_rank): the entries of the latest run that captured that chart, from
    trending_videos. A chart of many pages is captured page by page, so its latest run, not
    its latest timestamp, delimits it. A view: trending_videos stays append-only, and its
    index on (region_code, chart_category_id, captured_at desc, run_id desc) finds each
    chart's latest run.
#}
{{ config(materialized='view') }}

with

trending_videos as (
    select * from {{ ref('trending_videos') }}
),

chart_runs as (
    select
        region_code,
        chart_category_id,
        run_id,
        row_number() over (
            partition by region_code, chart_category_id
            order by captured_at desc, run_id desc
        ) as run_recency
    from trending_videos
),

final as (
    select
        trending_videos.region_code,
        trending_videos.chart_category_id,
        trending_videos.chart_rank,
        trending_videos.captured_at,
        trending_videos.video_id,
        trending_videos.run_id,
        trending_videos.title,
        trending_videos.channel_id,
        trending_videos.channel_title,
        trending_videos.category_id,
        trending_videos.published_at,
        trending_videos.view_count,
        trending_videos.like_count,
        trending_videos.comment_count
    from trending_videos
    inner join chart_runs
        on
            trending_videos.region_code = chart_runs.region_code
            and trending_videos.chart_category_id = chart_runs.chart_category_id
            and trending_videos.run_id = chart_runs.run_id
    where chart_runs.run_recency = 1
)

select * from final
