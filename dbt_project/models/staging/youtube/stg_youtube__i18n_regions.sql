{# grain: one row per region item per extract run, bad ones flagged #}
with

source as (
    select * from {{ source('youtube', 'i18n_regions') }}
),

extracted as (
    select
        {{ json_text('item', ['snippet', 'gl']) }} as region_code,
        {{ item_columns(json_text('item', ['snippet', 'gl'])) }},
        {{ json_text('item', ['snippet', 'name']) }} as region_name
    from source
),

final as (
    select
        region_code,
        run_id,
        captured_at,
        request_key,
        page_token,
        item_index,
        region_name,
        {{ item_rejection('region_code', 'snippet.gl') }} is not null as is_rejected,
        {{ problems([item_rejection('region_code', 'snippet.gl')]) }} as problem
    from extracted
)

select * from final
