{# grain: one row per extract run #}
with

source as (
    select * from {{ source('youtube', 'extract_runs') }}
),

renamed as (
    select
        run_id,
        started_at,
        finished_at,
        status as run_status,
        message as run_message,
        units_spent,
        -- a stats run's plan: how stale the available videos were when it planned (hours
        -- since their last capture; the extractor computes it, its run report shows it)
        cast({{ json_text('refresh_summary', ['staleness_hours', 'p50']) }} as numeric(12, 2))
            as planned_hours_stale_p50,
        cast({{ json_text('refresh_summary', ['staleness_hours', 'p95']) }} as numeric(12, 2))
            as planned_hours_stale_p95,
        cast({{ json_text('refresh_summary', ['staleness_hours', 'max']) }} as numeric(12, 2))
            as planned_hours_stale_max
    from source
)

select * from renamed
