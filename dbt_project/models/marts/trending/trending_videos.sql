{#
    grain: one row per chart entry: (region_code, chart_category_id, captured_at, chart_rank),
    with the video and its statistics at that capture. `captured_at` is the chart page's
    capture time. Ranks can move between the pages of one chart; a video seen twice in the
    same chart of the same run keeps only its best rank; when two runs capture a chart in the
    same second, the first run's entries are kept.
    Append-only and incremental on capture time, with a lookback for late pages: entries
    already stored are never rewritten, and the primary key (captured_at, region_code,
    chart_category_id, chart_rank) is enforced by the insert itself (append_new), so builds
    that overlap cannot store an entry twice. The last two indexes serve the views
    trending_charts_latest (each chart's latest run) and trending_daily (each chart's days).
#}
{{
    config(
        materialized='incremental',
        unique_key=['captured_at', 'region_code', 'chart_category_id', 'chart_rank'],
        incremental_strategy='append_new',
        pre_hook="{{ avoid_nested_loops() }}",
        indexes=indexes([
            index(['captured_at'], 'brin'),
            index(['video_id']),
            index(['region_code', 'chart_category_id', 'captured_at desc', 'run_id desc']),
            index(['region_code', 'chart_category_id', "((captured_at at time zone 'UTC')::date)",
                'video_id', 'run_id', 'chart_rank']),
        ]),
    )
}}
{%- set cutoff = incremental_cutoff('captured_at') %}

with

chart_entries as (
    select * from {{ ref('stg_youtube__most_popular_videos') }}
    where
        not is_rejected
        and region_code is not null
        and captured_at > {{ cutoff }}
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

stored as (
    -- entries already in the table (none on a full build)
    select
        stored_rows.region_code,
        stored_rows.chart_category_id,
        stored_rows.captured_at,
        stored_rows.chart_rank
    from {{ this if is_incremental() else '(select * from chart_entries where 1 = 0)' }} as stored_rows
    where stored_rows.captured_at > {{ cutoff }}
),

one_per_key as (
    select
        *,
        row_number() over (
            partition by region_code, chart_category_id, captured_at, chart_rank
            order by run_id asc
        ) as occurrence_of_key
    from ranked
    where occurrence_in_chart = 1
),

final as (
    select
        one_per_key.region_code,
        one_per_key.chart_category_id,
        one_per_key.captured_at,
        one_per_key.chart_rank,
        one_per_key.video_id,
        one_per_key.run_id,
        one_per_key.channel_id,
        one_per_key.channel_title,
        one_per_key.title,
        one_per_key.category_id,
        one_per_key.published_at,
        one_per_key.view_count,
        one_per_key.like_count,
        one_per_key.comment_count
    from one_per_key
    left join stored
        on
            one_per_key.region_code = stored.region_code
            and one_per_key.chart_category_id = stored.chart_category_id
            and one_per_key.captured_at = stored.captured_at
            and one_per_key.chart_rank = stored.chart_rank
    where
        one_per_key.occurrence_of_key = 1
        and stored.region_code is null
)

select * from final
