{#
    grain: one row per video per calendar month (UTC) with a daily statistic: the views and
    likes gained that month (sums of the known daily gains; NULL when none is known). A gain
    measured across several days (is_multi_day_gain) counts in the month of the day it ends
    on, even when the gap began in the previous month: the months add up to the days
    (data test assert_video_monthly_gains_add_up), and count_multi_day_gains says how many
    of a month's gains span more than one day.
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
        cast(sum(case when is_multi_day_gain then 1 else 0 end) as bigint)
            as count_multi_day_gains,
        max(stats_date) as last_stats_date
    from video_days
    group by video_id, cast({{ dbt.date_trunc('month', 'stats_date') }} as date)
)

select * from final
