-- grain: one row per playlist per calendar month since January 2024 (marts.playlist_monthly).
-- One all-NULL row when the mart is empty (see channels.sql).
select
    playlist_monthly.playlist_id,
    playlist_monthly.month,
    playlist_monthly.count_videos,
    playlist_monthly.total_views,
    playlist_monthly.total_likes,
    playlist_monthly.avg_views,
    playlist_monthly.avg_likes,
    playlist_monthly.views_gained
from (select 1) as at_least_one_row
left join marts.playlist_monthly on true
order by playlist_monthly.playlist_id, playlist_monthly.month
