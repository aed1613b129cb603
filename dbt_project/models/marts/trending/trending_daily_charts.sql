{#
    grain: one row per chart per UTC day with a capture (region_code, chart_category_id,
    chart_date): how many different videos were on the chart that day (its churn). A view
    over trending_daily.
#}
{{ config(materialized='view') }}

with

trending_daily as (
    select * from {{ ref('trending_daily') }}
),

final as (
    select
        region_code,
        chart_category_id,
        chart_date,
        count(*) as count_videos
    from trending_daily
    group by region_code, chart_category_id, chart_date
)

select * from final
