-- grain: one row per playlist item of the current playlists (marts.playlist_videos), with
-- the video's latest statistics. Sorted by playlist and position: a playlist page fetches
-- one small range of the file (video_playlists.sql has them by video). One all-NULL row when
-- the mart is empty (see channels.sql).
select
    playlist_videos.playlist_item_id,
    playlist_videos.playlist_id,
    playlist_videos.video_id,
    playlist_videos.position,
    playlist_videos.added_at,
    playlist_videos.video_published_at,
    playlist_videos.video_title,
    playlist_videos.is_available,
    playlist_videos.view_count,
    playlist_videos.like_count,
    playlist_videos.comment_count
from (select 1) as at_least_one_row
left join marts.playlist_videos on true
order by playlist_videos.playlist_id, playlist_videos.position
