{#
    grain: one row per video per calendar month (UTC) with a daily statistic: the views and
    likes gained that month (sums of the known daily gains; NULL when none is known).
    Incremental: rebuilds from the month of the latest rolled-up day (minus one day, so a
    month's last day arriving after midnight is still counted).
#}
{{
    config(
        materialized='incremental',
        unique_key=['video_id', 'month'],
        incremental_strategy='delete+insert',
    )
}}
{%- set cutoff = incremental_cutoff_date('last_stats_date', 1, month_start=true) %}

with

video_days as (
    select * from {{ ref('video_daily_stats') }}
    where stats_date >= {{ cutoff }}
),

final as (
    select
        video_id,
        cast({{ dbt.date_trunc('month', 'stats_date') }} as date) as month,
        cast(sum(views_gained) as bigint) as views_gained,
        cast(sum(likes_gained) as bigint) as likes_gained,
        count(*) as count_days_observed,
        max(stats_date) as last_stats_date
    from video_days
    group by video_id, cast({{ dbt.date_trunc('month', 'stats_date') }} as date)
)

select * from final
