{#
    Cross-model invariant: for the videos on the latest charts, the incrementally folded
    trending_summary (captures on the chart, best rank, first/last sighting) equals what their
    whole chart history in trending_videos says.
#}
with

trending_summary as (
    select * from {{ ref('trending_summary') }}
),

latest_capture as (
    select max(last_seen_at) as captured_at
    from trending_summary
),

summary as (
    select trending_summary.*
    from trending_summary
    inner join latest_capture
        on trending_summary.last_seen_at = latest_capture.captured_at
),

trending_videos as (
    select * from {{ ref('trending_videos') }}
),

history as (
    select
        trending_videos.video_id,
        trending_videos.region_code,
        count(distinct trending_videos.run_id) as captures_on_chart,
        min(trending_videos.chart_rank) as best_rank,
        min(trending_videos.captured_at) as first_seen_at,
        max(trending_videos.captured_at) as last_seen_at
    from trending_videos
    inner join summary
        on
            trending_videos.video_id = summary.video_id
            and trending_videos.region_code = summary.region_code
    group by trending_videos.video_id, trending_videos.region_code
)

select
    summary.video_id,
    summary.region_code,
    summary.captures_on_chart,
    history.captures_on_chart as history_captures_on_chart
from summary
left join history
    on
        summary.video_id = history.video_id
        and summary.region_code = history.region_code
where
    history.video_id is null
    or summary.captures_on_chart <> history.captures_on_chart
    or summary.best_rank <> history.best_rank
    or summary.first_seen_at <> history.first_seen_at
    or summary.last_seen_at <> history.last_seen_at
