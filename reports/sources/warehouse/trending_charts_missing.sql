-- grain: one row per region/category pair YouTube has no chart for
-- (marts.trending_charts_missing). One all-NULL row when the mart is empty (see channels.sql).
select
    trending_charts_missing.region_code,
    trending_charts_missing.chart_category_id,
    trending_charts_missing.first_not_found_at,
    trending_charts_missing.last_not_found_at
from (select 1) as at_least_one_row
left join marts.trending_charts_missing on true
order by trending_charts_missing.region_code, trending_charts_missing.chart_category_id
