-- grain: one row per playlist (marts.playlists). Sorted by id, for the playlist pages'
-- lookups. One all-NULL row when the mart is empty (see channels.sql).
select
    playlists.playlist_id,
    playlists.channel_id,
    playlists.title,
    playlists.published_at,
    playlists.item_count,
    playlists.count_videos,
    playlists.count_unavailable_items,
    playlists.count_videos_with_likes,
    playlists.total_views,
    playlists.total_likes,
    playlists.avg_views,
    playlists.avg_likes,
    playlists.views_gained_7d,
    playlists.views_gained_30d,
    playlists.count_months,
    playlists.count_videos_in_months,
    playlists.avg_monthly_views,
    playlists.last_captured_at
from (select 1) as at_least_one_row
left join marts.playlists on true
order by playlists.playlist_id
