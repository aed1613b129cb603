{# grain: one row per region per extract run #}
with

source as (
    select * from {{ source('youtube', 'i18n_regions') }}
),

renamed as (
    select
        {{ json_text('item', ['snippet', 'gl']) }} as region_code,
        run_id,
        captured_at,
        {{ json_text('item', ['snippet', 'name']) }} as region_name
    from source
)

select * from renamed
