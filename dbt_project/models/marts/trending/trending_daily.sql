{#
    grain: one row per video per chart per UTC day it was on that chart (region_code,
    chart_category_id, chart_date, video_id): its best rank that day and how many runs
    captured it there. The charts day by day without every hourly entry. A view over
    trending_videos, served by its index on (region_code, chart_category_id, UTC date,
    video_id, run_id, chart_rank).
#}
{{ config(materialized='view') }}

with

trending_videos as (
    select * from {{ ref('trending_videos') }}
),

final as (
    select
        region_code,
        chart_category_id,
        cast(captured_at at time zone 'UTC' as date) as chart_date,
        video_id,
        min(chart_rank) as best_rank,
        count(distinct run_id) as count_runs
    from trending_videos
    group by
        region_code,
        chart_category_id,
        cast(captured_at at time zone 'UTC' as date),
        video_id
)

select * from final
