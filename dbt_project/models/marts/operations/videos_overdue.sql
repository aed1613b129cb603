{#
    grain: one row per video the latest planning run found due but did not refresh
    (video_id): left out by the quota budget, or chosen but not refreshed (the bucket ran
    out mid-run), with how stale its statistics were at planning and how long it had been
    due.
#}
with

refresh_plan as (
    select * from {{ ref('stg_youtube__refresh_plan') }}
),

videos_observed as (
    select * from {{ ref('int_videos_observed') }}
),

latest_run as (
    select run_id
    from refresh_plan
    order by planned_at desc, run_id desc
    limit 1
),

final as (
    select
        refresh_plan.video_id,
        refresh_plan.run_id,
        refresh_plan.planned_at,
        refresh_plan.refresh_reason,
        refresh_plan.is_chosen,
        refresh_plan.due_at,
        cast(refresh_plan.hours_stale as numeric(12, 2)) as hours_stale,
        cast(
            {{ dbt.datediff('refresh_plan.due_at', 'refresh_plan.planned_at', 'second') }}
            / 3600.0
            as numeric(12, 2)
        ) as hours_overdue,
        videos_observed.title,
        videos_observed.channel_id,
        videos_observed.channel_title,
        videos_observed.is_available,
        videos_observed.view_count,
        videos_observed.last_captured_at
    from refresh_plan
    inner join latest_run
        on refresh_plan.run_id = latest_run.run_id
    left join videos_observed
        on refresh_plan.video_id = videos_observed.video_id
    where not refresh_plan.is_refreshed
)

select * from final
