{#
    grain: one row per playlist item (playlist_item_id) of the current playlists (as listed by
    playlists.list; uploads playlists excluded), from each playlist's latest complete crawl,
    with the video's latest statistics. A video in several playlists has a row in each;
    items that are not videos (another resource kind) are left out.
#}
with

playlist_items as (
    select * from {{ ref('int_playlist_items_deduplicated') }}
),

playlists as (
    select * from {{ ref('int_playlists_deduplicated') }}
),

videos as (
    select * from {{ ref('videos') }}
),

final as (
    select
        playlist_items.playlist_item_id,
        playlist_items.playlist_id,
        playlists.title as playlist_title,
        playlists.channel_id,
        playlist_items.video_id,
        playlist_items.position,
        -- when the item was added to the playlist, not when the video was published
        playlist_items.added_at,
        coalesce(videos.published_at, playlist_items.video_published_at) as video_published_at,
        cast(
            {{ dbt.date_trunc('month', 'coalesce(videos.published_at, playlist_items.video_published_at)') }}
            as date
        ) as video_published_month,
        coalesce(videos.title, playlist_items.title) as video_title,
        coalesce(videos.is_available, false) as is_available,
        videos.view_count,
        videos.like_count,
        videos.comment_count,
        playlist_items.captured_at as crawled_at
    from playlist_items
    inner join playlists
        on playlist_items.playlist_id = playlists.playlist_id
    left join videos
        on playlist_items.video_id = videos.video_id
    where
        playlist_items.video_id is not null
        and coalesce(playlist_items.resource_kind, 'youtube#video') = 'youtube#video'
)

select * from final
