-- grain: one row per video (marts.videos): tracked channels' videos, charted ones and
-- deleted/private placeholders. Sorted by id: a video page looking one up fetches one small
-- row group (scripts/size-row-groups.mjs). One all-NULL row when the mart is empty (see
-- channels.sql).
select
    videos.video_id,
    videos.channel_id,
    videos.channel_title,
    videos.title,
    videos.category_name,
    videos.published_at,
    videos.duration_seconds,
    videos.is_short,
    videos.privacy_status,
    videos.is_available,
    videos.is_tracked_channel,
    videos.view_count,
    videos.like_count,
    videos.comment_count,
    videos.is_like_count_hidden,
    videos.is_comment_count_hidden,
    videos.engagement_rate,
    videos.views_per_day,
    videos.views_gained_7d,
    videos.views_gained_30d,
    videos.count_trending_regions,
    videos.first_captured_at,
    videos.last_captured_at
from (select 1) as at_least_one_row
left join marts.videos on true
order by videos.video_id
