-- grain: one row per playlist (marts.playlists); reports read the marts schema only.
-- Evidence 39 writes no parquet file for a query that returns no rows (the page would then
-- fail on a missing table, or show the previous build's data), so an empty mart yields one
-- all-NULL placeholder row instead: pages filter on `playlist_id is not null`.
select
    playlists.playlist_id,
    playlists.channel_id,
    playlists.title,
    playlists.count_videos,
    playlists.total_views,
    playlists.total_likes,
    playlists.avg_views,
    playlists.avg_likes
from (select 1) as at_least_one_row
left join marts.playlists on true
order by playlists.total_views desc nulls last, playlists.playlist_id
