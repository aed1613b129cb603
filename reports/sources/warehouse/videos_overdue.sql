-- grain: one row per video the latest planning run left stale (marts.videos_overdue). One
-- all-NULL row when the mart is empty (see channels.sql).
select
    videos_overdue.video_id,
    videos_overdue.title,
    videos_overdue.channel_title,
    videos_overdue.refresh_reason,
    videos_overdue.hours_stale,
    videos_overdue.hours_overdue,
    videos_overdue.view_count,
    videos_overdue.planned_at
from (select 1) as at_least_one_row
left join marts.videos_overdue on true
order by videos_overdue.hours_stale desc nulls first, videos_overdue.video_id
