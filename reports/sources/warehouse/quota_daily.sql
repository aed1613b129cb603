-- grain: one row per Pacific-time day per quota bucket with a request (marts.quota_daily):
-- units spent, requests and errors. One all-NULL row when the mart is empty (see
-- channels.sql).
select
    quota_daily.pacific_day,
    quota_daily.bucket,
    quota_daily.units_spent,
    quota_daily.count_requests,
    quota_daily.count_errors,
    quota_daily.count_quota_exceeded
from (select 1) as at_least_one_row
left join marts.quota_daily on true
order by quota_daily.pacific_day, quota_daily.bucket
