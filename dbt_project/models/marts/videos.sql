{#
    grain: one row per video: every video returned by videos.list, plus deleted or private
    videos known only as placeholders in playlists
#}
with

videos as (
    select * from {{ ref('int_videos_resolved') }}
),

final as (
    select
        video_id,
        channel_id,
        title,
        category_id,
        published_at,
        duration_iso8601,
        privacy_status,
        view_count,
        like_count,
        comment_count,
        is_like_count_hidden,
        is_comment_count_hidden,
        is_available,
        first_captured_at,
        last_captured_at
    from videos
)

select * from final
