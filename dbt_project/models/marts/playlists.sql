{#
    grain: one row per playlist (as listed by playlists.list; uploads playlists are not
    playlists of their own here). A video counts in every playlist it belongs to; deleted,
    private or otherwise unavailable videos are excluded from the counts and totals.
#}
with

playlist_snapshots as (
    select * from {{ ref('stg_youtube__playlists') }}
),

playlist_items as (
    select * from {{ ref('int_playlist_items_deduplicated') }}
),

playlist_videos as (
    select * from {{ ref('int_playlist_videos_joined') }}
),

videos as (
    select * from {{ ref('int_videos_resolved') }}
),

latest_playlist as (
    select
        *,
        row_number() over (
            partition by playlist_id
            order by captured_at desc
        ) as snapshot_recency
    from playlist_snapshots
),

unavailable_items as (
    select
        playlist_items.playlist_id,
        count(*) as count_unavailable_items
    from playlist_items
    left join videos
        on playlist_items.video_id = videos.video_id
    where coalesce(videos.is_available, false) = false
    group by playlist_items.playlist_id
),

totals as (
    select
        playlist_id,
        count(*) as count_videos,
        count(like_count) as count_videos_with_likes,
        cast(sum(view_count) as bigint) as total_views,
        cast(sum(like_count) as bigint) as total_likes,
        cast(round(avg(view_count), 2) as numeric(20, 2)) as avg_views,
        cast(round(avg(like_count), 2) as numeric(20, 2)) as avg_likes
    from playlist_videos
    group by playlist_id
),

final as (
    select
        latest_playlist.playlist_id,
        latest_playlist.channel_id,
        latest_playlist.title,
        latest_playlist.published_at,
        coalesce(totals.count_videos, 0) as count_videos,
        coalesce(unavailable_items.count_unavailable_items, 0) as count_unavailable_items,
        coalesce(totals.count_videos_with_likes, 0) as count_videos_with_likes,
        coalesce(totals.total_views, 0) as total_views,
        -- no video: 0; videos that all hide their likes: unknown (NULL)
        case
            when totals.count_videos is null then 0
            else totals.total_likes
        end as total_likes,
        totals.avg_views,
        totals.avg_likes,
        latest_playlist.captured_at as last_captured_at
    from latest_playlist
    left join totals
        on latest_playlist.playlist_id = totals.playlist_id
    left join unavailable_items
        on latest_playlist.playlist_id = unavailable_items.playlist_id
    where latest_playlist.snapshot_recency = 1
)

select * from final
