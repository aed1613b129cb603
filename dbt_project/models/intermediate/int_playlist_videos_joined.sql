{#
    grain: one row per (playlist, available video) in the playlist's current membership;
    a video listed twice in one playlist appears once, and a video in several playlists
    appears once per playlist
#}
with

playlist_items as (
    select * from {{ ref('int_playlist_items_deduplicated') }}
),

videos as (
    select * from {{ ref('int_videos_resolved') }}
),

final as (
    select distinct
        playlist_items.playlist_id,
        videos.video_id,
        videos.published_at,
        cast({{ dbt.date_trunc('month', 'videos.published_at') }} as date) as published_month,
        videos.view_count,
        videos.like_count
    from playlist_items
    inner join videos
        on playlist_items.video_id = videos.video_id
    where videos.is_available
)

select * from final
