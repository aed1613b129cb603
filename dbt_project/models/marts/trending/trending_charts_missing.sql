{#
    grain: one row per chart asked for whose latest answer was videoChartNotFound
    (region_code, chart_category_id): a region/category pair YouTube has no mostPopular chart
    for, from the quota ledger (the only place an answer without items is kept). A pair that
    answers with a chart again leaves this mart at the next build.
#}
with

chart_requests as (
    select * from {{ ref('stg_youtube__quota_ledger') }}
    where
        chart_region_code is not null
        -- an answer, not a network error or a quota refusal, says whether the chart exists
        and (http_status < 400 or error_reason = 'videoChartNotFound')
),

ranked as (
    select
        *,
        row_number() over (
            partition by chart_region_code, chart_category_id
            order by requested_at desc, request_number desc
        ) as request_recency,
        min(case when error_reason = 'videoChartNotFound' then requested_at end)
            over (partition by chart_region_code, chart_category_id)
            as first_not_found_at
    from chart_requests
),

final as (
    select
        chart_region_code as region_code,
        chart_category_id,
        first_not_found_at,
        requested_at as last_not_found_at,
        run_id as last_run_id
    from ranked
    where
        request_recency = 1
        and error_reason = 'videoChartNotFound'
)

select * from final
