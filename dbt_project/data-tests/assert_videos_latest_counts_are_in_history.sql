{#
    Cross-model invariant: each available video's latest counts in `videos` are those of its
    latest row in the `video_stats` history (at or before its last capture: identical
    statistics repeated in a run are stored once, at their first capture). Checks the videos
    captured recently (see recent_captures_cutoff), reading only the recent history.
#}
with

videos as (
    select * from {{ ref('videos') }}
    where
        is_available
        and view_count is not null
        and last_captured_at >= {{ recent_captures_cutoff() }}
),

video_stats as (
    select * from {{ ref('video_stats') }}
    where captured_at >= {{ recent_captures_cutoff() }}
),

recent_history as (
    select
        video_stats.*,
        row_number() over (
            partition by video_stats.video_id
            order by video_stats.captured_at desc
        ) as recency
    from video_stats
    inner join videos
        on
            video_stats.video_id = videos.video_id
            and video_stats.captured_at <= videos.last_captured_at
)

select
    videos.video_id,
    videos.view_count,
    recent_history.view_count as history_view_count,
    videos.like_count,
    recent_history.like_count as history_like_count
from videos
left join recent_history
    on
        videos.video_id = recent_history.video_id
        and recent_history.recency = 1
where
    recent_history.video_id is null
    or videos.view_count <> recent_history.view_count
    or coalesce(videos.like_count, -1) <> coalesce(recent_history.like_count, -1)
    or coalesce(videos.comment_count, -1) <> coalesce(recent_history.comment_count, -1)
