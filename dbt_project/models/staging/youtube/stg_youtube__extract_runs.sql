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
        units_spent
    from source
)

select * from renamed
