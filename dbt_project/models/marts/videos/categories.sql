{#
    grain: one row per video category per region (videoCategories.list by regionCode, latest
    capture of each pair): categories and their names differ between regions.
#}
with

video_categories as (
    select * from {{ ref('stg_youtube__video_categories') }}
    where
        not is_rejected
        and region_code is not null
),

ranked as (
    select
        *,
        row_number() over (
            partition by region_code, category_id
            -- an id repeated on a page: its first copy
            order by captured_at desc, item_index asc
        ) as capture_recency
    from video_categories
),

final as (
    select
        region_code,
        category_id,
        title as category_name,
        is_assignable,
        captured_at as last_captured_at
    from ranked
    where capture_recency = 1
)

select * from final
