{#
    grain: one row per extract run that planned a statistics refresh (run_id): how many
    videos were due, how many the planner chose and which method refreshed them, per
    reason, how many the quota budget left stale, and how stale the available videos were
    when it planned (the extractor's figures, on the run's record: the run report shows
    the same numbers).
#}
{%- set reasons = ['new', 'young', 'charted', 'fast', 'floor', 'recheck'] %}

with

refresh_plan as (
    select * from {{ ref('stg_youtube__refresh_plan') }}
),

extract_runs as (
    select * from {{ ref('stg_youtube__extract_runs') }}
),

plans as (
    select
        run_id,
        min(planned_at) as planned_at,
        count(*) as count_videos_due,
        cast(sum(case when is_chosen then 1 else 0 end) as bigint) as count_videos_chosen,
        cast(sum(case when is_refreshed then 1 else 0 end) as bigint) as count_videos_refreshed,
        {% for reason in reasons -%}
            cast(
                sum(case when is_refreshed and refresh_reason = '{{ reason }}' then 1 else 0 end)
                as bigint
            ) as count_refreshed_{{ reason }},
        {% endfor -%}
        cast(
            sum(case when refresh_method = 'videos.batchGetStats' then 1 else 0 end) as bigint
        ) as count_refreshed_by_batch_stats,
        cast(sum(case when refresh_method = 'videos.list' then 1 else 0 end) as bigint)
            as count_refreshed_by_videos_list,
        cast(sum(case when not is_refreshed then 1 else 0 end) as bigint) as count_videos_left_stale
    from refresh_plan
    group by run_id
),

final as (
    select
        plans.*,
        extract_runs.planned_hours_stale_p50 as hours_stale_p50,
        extract_runs.planned_hours_stale_p95 as hours_stale_p95,
        extract_runs.planned_hours_stale_max as hours_stale_max
    from plans
    left join extract_runs on plans.run_id = extract_runs.run_id
)

select * from final
