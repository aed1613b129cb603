{#
    grain: one row per Pacific-time day per quota bucket with at least one request
    (pacific_day, bucket): the units the extractor spent, its requests and their errors, on
    the day Google counts them in (midnight to midnight, America/Los_Angeles).
#}
with

quota_ledger as (
    select * from {{ ref('stg_youtube__quota_ledger') }}
),

final as (
    select
        pacific_day,
        bucket,
        cast(sum(units) as bigint) as units_spent,
        count(*) as count_requests,
        cast(sum(case when is_error then 1 else 0 end) as bigint) as count_errors,
        cast(sum(case when error_reason = 'quotaExceeded' then 1 else 0 end) as bigint)
            as count_quota_exceeded,
        count(distinct run_id) as count_runs,
        min(requested_at) as first_requested_at,
        max(requested_at) as last_requested_at
    from quota_ledger
    group by pacific_day, bucket
)

select * from final
