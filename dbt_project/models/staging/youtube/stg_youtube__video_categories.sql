{# grain: one row per video category per region per extract run #}
with

source as (
    select * from {{ source('youtube', 'video_categories') }}
),

renamed as (
    select
        {{ json_text('item', ['id']) }} as category_id,
        {{ json_text('request', ['regionCode']) }} as region_code,
        run_id,
        captured_at,
        {{ json_text('item', ['snippet', 'title']) }} as title,
        cast({{ json_text('item', ['snippet', 'assignable']) }} as boolean) as is_assignable
    from source
)

select * from renamed
