{# grain: one row per video category item per region per extract run, bad ones flagged #}
with

source as (
    select * from {{ source('youtube', 'video_categories') }}
),

extracted as (
    select
        {{ json_text('item', ['id']) }} as category_id,
        {{ item_columns(json_text('item', ['id'])) }},
        {{ json_text('request', ['regionCode']) }} as region_code,
        {{ json_text('item', ['snippet', 'title']) }} as title,
        {{ json_text('item', ['snippet', 'assignable']) }} as assignable_text
    from source
),

parsed as (
    select
        *,
        {{ text_to_boolean('assignable_text') }} as is_assignable
    from extracted
),

final as (
    select
        category_id,
        region_code,
        run_id,
        captured_at,
        request_key,
        page_token,
        item_index,
        title,
        is_assignable,
        {{ item_rejection('category_id', 'id') }} is not null as is_rejected,
        {{ problems([
            item_rejection('category_id', 'id'),
            value_problem('assignable_text', 'is_assignable', 'snippet.assignable', 'a boolean'),
        ]) }} as problem
    from parsed
)

select * from final
