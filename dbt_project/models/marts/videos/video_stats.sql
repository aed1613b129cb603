{#
    grain: one row per video per capture (video_id, captured_at): the statistics history.
    Statistics come from every capture int_video_captures_unioned names (videos.list, the
    mostPopular charts, videos.batchGetStats), at whatever cadence the extractor refreshed
    each video (hourly for some, daily for others); identical statistics seen several times
    in one run (several regions' charts, or a chart and a statistics refresh) are stored
    once, at their first capture.
    Append-only: each build reads the captures newer than the table's latest minus a
    lookback (late pages), and appends those not already stored, so an hourly build does not
    grow with history and stored rows are never rewritten. The primary key (captured_at,
    video_id) is enforced by the insert itself (append_new: a row whose key is stored is
    skipped), so two builds running at once, or a repeated one, cannot store a capture twice;
    captured_at first, so each hour's rows go to the end of the index. Lean on purpose (the
    table grows by every video every hour): no per-row text but the video id, columns ordered
    to avoid padding, and a BRIN index on captured_at for the range reads.
#}
{{
    config(
        materialized='incremental',
        unique_key=['captured_at', 'video_id'],
        incremental_strategy='append_new',
        pre_hook="{{ avoid_nested_loops() }}",
        indexes=indexes([index(['captured_at'], 'brin')]),
    )
}}
{%- set cutoff = incremental_cutoff('captured_at') %}

with

captures as (
    -- every capture that carries statistics, from every method (int_video_captures_unioned)
    select
        video_id,
        captured_at,
        run_id,
        view_count,
        like_count,
        comment_count,
        source_priority = 2 as is_chart_capture,
        source_priority,
        item_index
    from {{ ref('int_video_captures_unioned') }}
    where
        not is_statistics_missing
        and captured_at > {{ cutoff }}
),

stored as (
    -- captures already in the table (none on a full build)
    select
        stored_rows.video_id,
        stored_rows.captured_at
    from {{ this if is_incremental() else '(select * from captures where 1 = 0)' }} as stored_rows
    where stored_rows.captured_at > {{ cutoff }}
),

first_of_run as (
    select
        *,
        row_number() over (
            partition by video_id, run_id, view_count, like_count, comment_count
            order by captured_at asc, source_priority asc, item_index asc
        ) as occurrence_in_run
    from captures
),

one_per_capture as (
    select
        *,
        -- the first run to land a capture keeps it (what an append-only table does)
        row_number() over (
            partition by video_id, captured_at
            -- an id repeated on a page: its first copy
            order by source_priority asc, run_id asc, item_index asc
        ) as occurrence_in_capture
    from first_of_run
    where occurrence_in_run = 1
),

final as (
    select
        one_per_capture.captured_at,
        one_per_capture.view_count,
        one_per_capture.like_count,
        one_per_capture.comment_count,
        one_per_capture.video_id,
        one_per_capture.is_chart_capture
    from one_per_capture
    left join stored
        on
            one_per_capture.video_id = stored.video_id
            and one_per_capture.captured_at = stored.captured_at
    where
        one_per_capture.occurrence_in_capture = 1
        and stored.video_id is null
)

{#- a full build lays the history out in capture order, as hourly appends do: the BRIN
    index on captured_at then skips all but the newest blocks from the first hourly build -#}
select * from final
{%- if not is_incremental() %}
    order by captured_at
{%- endif %}
