{#
    grain: one row per playlist (as listed by playlists.list in its channel's latest crawl;
    uploads playlists are not playlists here). A video counts in every playlist it belongs
    to, once per playlist; deleted, private or otherwise unavailable videos are excluded from
    the counts and totals (and counted in count_unavailable_items). Likes are NULL-aware: a
    video that hides its likes adds nothing to total_likes nor to avg_likes' denominator.
    The monthly summary (count_months, count_videos_in_months, avg_monthly_views) is over
    the playlist's rows in playlist_monthly.
#}
with

playlists as (
    select * from {{ ref('int_playlists_deduplicated') }}
),

playlist_videos as (
    select * from {{ ref('playlist_videos') }}
),

video_gains as (
    select * from {{ ref('int_video_gains_summed') }}
),

playlist_monthly as (
    select * from {{ ref('playlist_monthly') }}
),

months as (
    -- the monthly chart's summary: its months, their videos and their average views
    select
        playlist_id,
        count(*) as count_months,
        sum(count_videos) as count_videos_in_months,
        cast(avg(total_views) as numeric(30, 10)) as avg_monthly_views
    from playlist_monthly
    group by playlist_id
),

available_videos as (
    -- a video listed twice in one playlist counts once there
    select distinct
        playlist_id,
        video_id,
        view_count,
        like_count
    from playlist_videos
    where is_available
),

unavailable_items as (
    select
        playlist_id,
        count(*) as count_unavailable_items
    from playlist_videos
    where not is_available
    group by playlist_id
),

totals as (
    select
        available_videos.playlist_id,
        count(*) as count_videos,
        count(available_videos.like_count) as count_videos_with_likes,
        cast(sum(available_videos.view_count) as bigint) as total_views,
        cast(sum(available_videos.like_count) as bigint) as total_likes,
        cast(round(avg(available_videos.view_count), 2) as numeric(20, 2)) as avg_views,
        cast(round(avg(available_videos.like_count), 2) as numeric(20, 2)) as avg_likes,
        cast(sum(video_gains.views_gained_7d) as bigint) as views_gained_7d,
        cast(sum(video_gains.views_gained_30d) as bigint) as views_gained_30d
    from available_videos
    left join video_gains
        on available_videos.video_id = video_gains.video_id
    group by available_videos.playlist_id
),

final as (
    select
        playlists.playlist_id,
        playlists.channel_id,
        playlists.title,
        playlists.published_at,
        playlists.item_count,
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
        -- no video: 0; videos without two days of history yet: unknown (NULL)
        case
            when totals.count_videos is null then 0
            else totals.views_gained_7d
        end as views_gained_7d,
        case
            when totals.count_videos is null then 0
            else totals.views_gained_30d
        end as views_gained_30d,
        coalesce(months.count_months, 0) as count_months,
        cast(coalesce(months.count_videos_in_months, 0) as bigint) as count_videos_in_months,
        months.avg_monthly_views,
        playlists.captured_at as last_captured_at
    from playlists
    left join totals
        on playlists.playlist_id = totals.playlist_id
    left join unavailable_items
        on playlists.playlist_id = unavailable_items.playlist_id
    left join months
        on playlists.playlist_id = months.playlist_id
)

select * from final
