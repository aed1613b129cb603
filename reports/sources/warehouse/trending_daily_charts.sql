-- grain: one row per chart per UTC day with a capture (marts.trending_daily_charts): how many
-- different videos were on it. One all-NULL row when the mart is empty (see channels.sql).
select
    trending_daily_charts.region_code,
    trending_daily_charts.chart_category_id,
    trending_daily_charts.chart_date,
    trending_daily_charts.count_videos
from (select 1) as at_least_one_row
left join marts.trending_daily_charts on true
order by
    trending_daily_charts.region_code,
    trending_daily_charts.chart_category_id,
    trending_daily_charts.chart_date
