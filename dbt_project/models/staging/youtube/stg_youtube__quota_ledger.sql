{# grain: one row per API request the extractor made (retries and failures included) #}
with

source as (
    select * from {{ source('youtube', 'quota_ledger') }}
),

renamed as (
    select
        run_id,
        -- the ledger has no key (requests in the same second to one method look alike):
        -- numbered within the run, in time order; rows that tie are identical
        row_number() over (
            partition by run_id
            order by requested_at, method, resource, http_status, units, reason
        ) as request_number,
        requested_at,
        -- the day Google counts the quota in (midnight to midnight, Pacific time)
        pacific_day,
        method,
        resource,
        coalesce(bucket, 'default') as bucket,
        units,
        -- the chart a mostPopular request asked for (NULL in rows written before the ledger
        -- kept the request)
        case
            when resource = 'most_popular_videos'
                then {{ json_text('request', ['regionCode']) }}
        end as chart_region_code,
        case
            when resource = 'most_popular_videos' and request is not null
                then coalesce({{ json_text('request', ['videoCategoryId']) }}, '0')
        end as chart_category_id,
        http_status,
        reason as error_reason,
        -- no answer (NULL) or an HTTP error; 304 Not Modified is an answer
        coalesce(http_status >= 400, true) as is_error
    from source
)

select * from renamed
