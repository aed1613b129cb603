{#
    grain: one row per video per region per UTC day it was on any of the region's charts
    (video_id, region_code, chart_date): its best rank that day on any of them. A view over
    trending_daily.
#}
{{ config(materialized='view') }}

with

trending_daily as (
    select * from {{ ref('trending_daily') }}
),

final as (
    select
        video_id,
        region_code,
        chart_date,
        min(best_rank) as best_rank
    from trending_daily
    group by video_id, region_code, chart_date
)

select * from final
