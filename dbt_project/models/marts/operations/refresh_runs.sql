{#
    grain: one row per extract run that planned a statistics refresh (run_id): how many
    videos were due, how many the planner chose and which method refreshed them, per
    reason, how many the quota budget left stale, and how stale the due videos were at
    planning (the available ones: `recheck`, the unavailable videos checked again, and
    never-captured videos, which have no staleness, left out of the percentiles).
#}
{%- set reasons = ['new', 'young', 'charted', 'fast', 'floor', 'recheck'] %}

with

refresh_plan as (
    select * from {{ ref('stg_youtube__refresh_plan') }}
),

final as (
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
        cast(sum(case when not is_refreshed then 1 else 0 end) as bigint) as count_videos_left_stale,
        cast(
            percentile_cont(0.5) within group (
                order by case when refresh_reason <> 'recheck' then hours_stale end
            )
            as numeric(12, 2)
        ) as hours_stale_p50,
        cast(
            percentile_cont(0.95) within group (
                order by case when refresh_reason <> 'recheck' then hours_stale end
            )
            as numeric(12, 2)
        ) as hours_stale_p95,
        cast(max(case when refresh_reason <> 'recheck' then hours_stale end) as numeric(12, 2))
            as hours_stale_max
    from refresh_plan
    group by run_id
)

select * from final
