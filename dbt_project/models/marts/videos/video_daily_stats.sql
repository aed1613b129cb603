{#
    grain: one row per video per UTC day with a capture: end-of-day counts (the day's last
    capture, whether the video is captured hourly or once a day) and the gains since the
    previous observed day's end of day. Gains are NULL on a video's first observed day (never
    lifetime totals), when a count is hidden, and when the previous observation is more than
    var('max_gain_gap_days') (30) days older (a gap too long to call a daily gain). A gain
    measured across days without a capture (`gain_days` > 1, `is_multi_day_gain`) is the
    whole gap's gain, credited to the day it ends on.
    Incremental: rebuilds the days touched since the last build, reading the previous days'
    ends from itself.
#}
{{
    config(
        materialized='incremental',
        unique_key=['video_id', 'stats_date'],
        incremental_strategy='delete+insert',
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

with_gains as (
    select
        video_id,
        stats_date,
        view_count,
        like_count,
        comment_count,
        {{ day_over_day_gains('video_id', [
            ('view_count', 'views_gained'),
            ('like_count', 'likes_gained'),
            ('comment_count', 'comments_gained'),
        ]) }},
        last_captured_at,
        is_new
    from days
),

with_spans as (
    select
        *,
        cast(
            {{ dbt.datediff('previous_stats_date', 'stats_date', 'day') }}
            as integer
        ) as gain_days
    from with_gains
),

final as (
    -- the previous days only served the first rebuilt day's gains
    select
        video_id,
        stats_date,
        view_count,
        like_count,
        comment_count,
        previous_stats_date,
        gain_days,
        -- a gain measured across days without a capture: credited to this day, flagged
        coalesce(gain_days > 1, false) as is_multi_day_gain,
        views_gained,
        likes_gained,
        comments_gained,
        last_captured_at
    from with_spans
    where is_new = 1
)

select * from final
