-- grain: one row per entry of each chart's latest capture (marts.trending_charts_latest).
-- One all-NULL row when the mart is empty (see channels.sql).
select
    trending_charts_latest.region_code,
    trending_charts_latest.chart_category_id,
    trending_charts_latest.captured_at,
    trending_charts_latest.chart_rank,
    trending_charts_latest.video_id,
    trending_charts_latest.title,
    trending_charts_latest.channel_id,
    trending_charts_latest.channel_title,
    trending_charts_latest.category_id,
    trending_charts_latest.published_at,
    trending_charts_latest.view_count,
    trending_charts_latest.like_count,
    trending_charts_latest.comment_count
from (select 1) as at_least_one_row
left join marts.trending_charts_latest on true
order by
    trending_charts_latest.region_code,
    trending_charts_latest.chart_category_id,
    trending_charts_latest.chart_rank
