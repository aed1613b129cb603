{#
    Cross-model invariant: a playlist's count and totals equal the sum of its distinct
    available videos' latest statistics in the videos mart (a video counts in every playlist
    it belongs to). Returns the playlists that disagree.
#}
with

playlists as (
    select * from {{ ref('playlists') }}
),

playlist_videos as (
    select * from {{ ref('playlist_videos') }}
),

videos as (
    select * from {{ ref('videos') }}
),

members as (
    select distinct
        playlist_id,
        video_id
    from playlist_videos
),

expected as (
    select
        members.playlist_id,
        count(*) as count_videos,
        coalesce(sum(videos.view_count), 0) as total_views,
        sum(videos.like_count) as total_likes
    from members
    inner join videos
        on members.video_id = videos.video_id
    where videos.is_available
    group by members.playlist_id
)

select
    playlists.playlist_id,
    playlists.count_videos,
    expected.count_videos as expected_count_videos,
    playlists.total_views,
    expected.total_views as expected_total_views
from playlists
left join expected
    on playlists.playlist_id = expected.playlist_id
where
    playlists.count_videos <> coalesce(expected.count_videos, 0)
    or playlists.total_views <> coalesce(expected.total_views, 0)
    or coalesce(playlists.total_likes, -1) <> coalesce(
        case when expected.count_videos is null then 0 else expected.total_likes end, -1
    )
