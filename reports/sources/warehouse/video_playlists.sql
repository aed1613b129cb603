-- grain: one row per playlist item of the current playlists (marts.playlist_videos), as the
-- video pages read them: sorted by video, so that one video's playlists are one small range
-- of the file (playlist_videos.sql holds the same items sorted by playlist, for the playlist
-- pages). One all-NULL row when the mart is empty (see channels.sql).
select
    playlist_videos.video_id,
    playlist_videos.playlist_id,
    playlist_videos.playlist_title,
    playlist_videos.position
from (select 1) as at_least_one_row
left join marts.playlist_videos on true
order by playlist_videos.video_id, playlist_videos.playlist_id, playlist_videos.position
