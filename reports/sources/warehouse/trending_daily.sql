-- grain: one row per video per chart per UTC day it was on that chart (marts.trending_daily):
-- the day's best rank and how many runs captured it. One all-NULL row when the mart is empty
-- (see channels.sql).
select
    trending_daily.region_code,
    trending_daily.chart_category_id,
    trending_daily.chart_date,
    trending_daily.video_id,
    trending_daily.best_rank,
    trending_daily.count_runs
from (select 1) as at_least_one_row
left join marts.trending_daily on true
order by
    trending_daily.region_code,
    trending_daily.chart_category_id,
    trending_daily.chart_date,
    trending_daily.best_rank
