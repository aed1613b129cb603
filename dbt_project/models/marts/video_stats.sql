{#
    grain: one row per video per capture (video_id, captured_at): the statistics history.
    Incremental: each build only reads captures newer than what the table holds (minus a
    small lookback for late pages), so an hourly build does not grow with history.
#}
{{
    config(
        materialized='incremental',
        unique_key=['video_id', 'captured_at'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

with

snapshots as (
    select * from {{ ref('int_video_snapshots_deduplicated') }}
    {% if is_incremental() %}
        where captured_at > (
            select {{ dbt.dateadd('hour', -var('video_stats_lookback_hours', 3), 'max(captured_at)') }}
            from {{ this }}
        )
    {% endif %}
),

final as (
    select
        video_id,
        captured_at,
        run_id,
        view_count,
        like_count,
        comment_count
    from snapshots
)

select * from final
