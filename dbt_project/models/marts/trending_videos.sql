{#
    grain: one row per chart entry: (region_code, chart_category_id, captured_at, chart_rank),
    with the video and its statistics at that capture. `captured_at` is the chart page's
    capture time. Ranks can move between the pages of one chart; a video seen twice in the
    same chart of the same run keeps only its best rank.
    Incremental on capture time, with a lookback for late pages.
#}
{{
    config(
        materialized='incremental',
        unique_key=['region_code', 'chart_category_id', 'captured_at', 'chart_rank'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
        indexes=[{'columns': ['captured_at'], 'type': 'brin'}, {'columns': ['video_id']}],
    )
}}
{%- set cutoff = incremental_cutoff('captured_at') if is_incremental() else none %}

with

chart_entries as (
    select * from {{ ref('stg_youtube__most_popular_videos') }}
    where
        video_id is not null
        and region_code is not null
        {% if cutoff %}and captured_at > {{ cutoff }}{% endif %}
),

ranked as (
    select
        *,
        row_number() over (
            partition by run_id, region_code, chart_category_id, video_id
            order by chart_rank
        ) as occurrence_in_chart
    from chart_entries
),

final as (
    select
        region_code,
        chart_category_id,
        captured_at,
        chart_rank,
        video_id,
        run_id,
        channel_id,
        channel_title,
        title,
        category_id,
        published_at,
        view_count,
        like_count,
        comment_count
    from ranked
    where occurrence_in_chart = 1
)

select * from final
