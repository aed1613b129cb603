-- grain: one row per video (marts.videos), as the channel pages read them: sorted by channel
-- and views, so that one channel's most viewed videos are one small range of the file
-- (videos.sql holds the same videos sorted by id, for the video pages). One all-NULL row when
-- the mart is empty (see channels.sql).
select
    videos.channel_id,
    videos.video_id,
    videos.title,
    videos.published_at,
    videos.is_available,
    videos.view_count,
    videos.views_gained_7d,
    videos.like_count,
    videos.comment_count
from (select 1) as at_least_one_row
left join marts.videos on true
order by videos.channel_id, videos.view_count desc nulls last, videos.video_id
