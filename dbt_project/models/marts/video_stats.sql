{#
    grain: one row per video per capture (video_id, captured_at): the statistics history.
    Statistics come from videos.list and from the mostPopular charts; identical statistics
    seen several times in one run (several regions' charts, or a chart and videos.list) are
    stored once, at their first capture.
    Incremental: each build reads only captures newer than the table's latest minus a
    lookback (late pages), so an hourly build does not grow with history. (A run whose
    pages straddle that cutoff, i.e. one lasting hours, could store a repeat once more.)
#}
{{
    config(
        materialized='incremental',
        unique_key=['video_id', 'captured_at'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
        indexes=[{'columns': ['captured_at'], 'type': 'brin'}],
    )
}}
{%- set cutoff = incremental_cutoff('captured_at') if is_incremental() else none %}

with

video_items as (
    select * from {{ ref('stg_youtube__videos') }}
    where
        video_id is not null
        and not is_statistics_missing
        {% if cutoff %}and captured_at > {{ cutoff }}{% endif %}
),

chart_entries as (
    select * from {{ ref('stg_youtube__most_popular_videos') }}
    where
        video_id is not null
        and not is_statistics_missing
        {% if cutoff %}and captured_at > {{ cutoff }}{% endif %}
),

unioned as (
    select
        video_id,
        captured_at,
        run_id,
        view_count,
        like_count,
        comment_count,
        'videos' as stats_source,
        1 as source_priority
    from video_items

    union all

    select
        video_id,
        captured_at,
        run_id,
        view_count,
        like_count,
        comment_count,
        'most_popular' as stats_source,
        2 as source_priority
    from chart_entries
),

first_of_run as (
    select
        *,
        row_number() over (
            partition by video_id, run_id, view_count, like_count, comment_count
            order by captured_at, source_priority
        ) as occurrence_in_run
    from unioned
),

one_per_capture as (
    select
        *,
        row_number() over (
            partition by video_id, captured_at
            order by source_priority asc, run_id desc
        ) as occurrence_in_capture
    from first_of_run
    where occurrence_in_run = 1
),

final as (
    select
        video_id,
        captured_at,
        run_id,
        view_count,
        like_count,
        comment_count,
        stats_source
    from one_per_capture
    where occurrence_in_capture = 1
)

select * from final
