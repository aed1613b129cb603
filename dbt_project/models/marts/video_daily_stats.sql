{#
    grain: one row per video per UTC day with a capture: end-of-day counts (the day's last
    capture) and the gains since the previous observed day's end of day. Gains are NULL on a
    video's first observed day (never lifetime totals), when a count is hidden, and when the
    previous observation is more than 30 days older (a gap too long to call a daily gain).
    Incremental: rebuilds the days touched since the last build, reading the previous days'
    ends from itself.
#}
{{
    config(
        materialized='incremental',
        unique_key=['video_id', 'stats_date'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
        indexes=[{'columns': ['stats_date']}],
    )
}}
{%- set incremental = is_incremental() %}
{%- if incremental %}
    {%- set cutoff_ts = incremental_cutoff('last_captured_at') %}
    {%- set cutoff_date = 'cast(' ~ cutoff_ts ~ ' as date)' %}
{%- endif %}

with

video_stats as (
    select * from {{ ref('video_stats') }}
    {% if incremental %}
        where captured_at >= cast({{ cutoff_date }} as timestamp with time zone)
    {% endif %}
),

ranked as (
    select
        *,
        cast(captured_at as date) as stats_date,
        row_number() over (
            partition by video_id, cast(captured_at as date)
            order by captured_at desc
        ) as capture_recency
    from video_stats
),

end_of_day as (
    select
        video_id,
        stats_date,
        view_count,
        like_count,
        comment_count,
        captured_at as last_captured_at,
        1 as is_new
    from ranked
    where capture_recency = 1
),

{% if incremental %}
    previous_days as (
        -- the ends of the 30 days before the rebuilt ones, for the first rebuilt day's gains
        select
            video_id,
            stats_date,
            view_count,
            like_count,
            comment_count,
            last_captured_at,
            0 as is_new
        from {{ this }}
        where
            stats_date < {{ cutoff_date }}
            and stats_date >= {{ dbt.dateadd('day', -30, cutoff_date) }}
    ),
{% endif %}

days as (
    select * from end_of_day
    {% if incremental %}
        union all
        select * from previous_days
    {% endif %}
),

with_previous as (
    select
        *,
        lag(stats_date) over (partition by video_id order by stats_date) as previous_stats_date,
        {{ dbt.datediff(
            'lag(stats_date) over (partition by video_id order by stats_date)', 'stats_date', 'day'
        ) }} as days_since_previous,
        lag(view_count) over (partition by video_id order by stats_date) as previous_view_count,
        lag(like_count) over (partition by video_id order by stats_date) as previous_like_count,
        lag(comment_count) over (partition by video_id order by stats_date)
            as previous_comment_count
    from days
),

final as (
    select
        video_id,
        stats_date,
        view_count,
        like_count,
        comment_count,
        case
            when days_since_previous <= 30
                then previous_stats_date
        end as previous_stats_date,
        case
            when days_since_previous <= 30
                then view_count - previous_view_count
        end as views_gained,
        case
            when days_since_previous <= 30
                then like_count - previous_like_count
        end as likes_gained,
        case
            when days_since_previous <= 30
                then comment_count - previous_comment_count
        end as comments_gained,
        last_captured_at
    from with_previous
    where is_new = 1
)

select * from final
