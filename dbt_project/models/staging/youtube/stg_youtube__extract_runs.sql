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
        {%- for q in ['p50', 'p95', 'max'] %}
        cast(
            {{ json_text('refresh_summary', ['staleness_hours', q]) }} as numeric(12, 2)
        ) as planned_hours_stale_{{ q }}{{ ',' if not loop.last }}
        {%- endfor %}
    from source
)

select * from renamed
