-- grain: one row per video per region where it has charted (marts.trending_summary).
-- One all-NULL row when the mart is empty (see channels.sql).
select
    trending_summary.video_id,
    trending_summary.region_code,
    trending_summary.title,
    trending_summary.channel_id,
    trending_summary.channel_title,
    trending_summary.first_seen_at,
    trending_summary.last_seen_at,
    trending_summary.captures_on_chart,
    trending_summary.best_rank
from (select 1) as at_least_one_row
left join marts.trending_summary on true
order by trending_summary.region_code, trending_summary.best_rank, trending_summary.video_id
