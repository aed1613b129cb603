-- grain: one row per video per region per UTC day on any of the region's charts
-- (marts.trending_daily_regions): its best rank that day. One all-NULL row when the mart is
-- empty (see channels.sql).
select
    trending_daily_regions.video_id,
    trending_daily_regions.region_code,
    trending_daily_regions.chart_date,
    trending_daily_regions.best_rank
from (select 1) as at_least_one_row
left join marts.trending_daily_regions on true
order by
    trending_daily_regions.video_id,
    trending_daily_regions.region_code,
    trending_daily_regions.chart_date
