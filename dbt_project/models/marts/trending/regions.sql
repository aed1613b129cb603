{# grain: one row per region (i18nRegions.list, latest capture of each region) #}
with

regions as (
    select * from {{ ref('stg_youtube__i18n_regions') }}
    where not is_rejected
),

ranked as (
    select
        *,
        row_number() over (
            partition by region_code
            -- an id repeated on a page: its first copy
            order by captured_at desc, item_index asc
        ) as capture_recency
    from regions
),

final as (
    select
        region_code,
        region_name,
        captured_at as last_captured_at
    from ranked
    where capture_recency = 1
)

select * from final
