{# grain: one row per video per run that planned a statistics refresh (run_id, video_id) #}
with

source as (
    select * from {{ source('youtube', 'refresh_plan') }}
),

renamed as (
    select
        run_id,
        video_id,
        planned_at,
        reason as refresh_reason,
        chosen as is_chosen,
        due_at,
        next_due_at,
        hours_stale,
        method as refresh_method,
        -- chosen and refreshed by a method this run
        (chosen and method is not null) as is_refreshed
    from source
)

select * from renamed
