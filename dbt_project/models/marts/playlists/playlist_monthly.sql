{#
    grain: one row per playlist per calendar month (UTC) from var('monthly_start_date') to
    the current month (or var('monthly_end_date') when set), dense. count_videos and the view/like totals are over the playlist's
    available videos PUBLISHED that month (the video's own publish date, never the date it was
    added to the playlist), with their latest statistics: zeros for a month with no video.
    views_gained is what all the playlist's current videos gained during that month, from the
    snapshot history: NULL for months before the history starts.
#}
with

playlists as (
    select * from {{ ref('int_playlists_deduplicated') }}
),

playlist_videos as (
    select * from {{ ref('playlist_videos') }}
),

video_months as (
    select * from {{ ref('video_monthly_stats') }}
),

months as (
    {{ month_spine(
        var('monthly_start_date'),
        "cast('" ~ var('monthly_end_date') ~ "' as date)" if var('monthly_end_date', none)
        else dbt.current_timestamp()
    ) }}
),

available_videos as (
    select distinct
        playlist_id,
        video_id,
        video_published_month,
        view_count,
        like_count
    from playlist_videos
    where is_available
),

published as (
    select
        playlist_id,
        video_published_month as month,
        count(*) as count_videos,
        cast(sum(view_count) as bigint) as total_views,
        cast(sum(like_count) as bigint) as total_likes,
        cast(round(avg(view_count), 2) as numeric(20, 2)) as avg_views,
        cast(round(avg(like_count), 2) as numeric(20, 2)) as avg_likes
    from available_videos
    group by playlist_id, video_published_month
),

gained as (
    select
        available_videos.playlist_id,
        video_months.month,
        cast(sum(video_months.views_gained) as bigint) as views_gained
    from available_videos
    inner join video_months
        on available_videos.video_id = video_months.video_id
    group by available_videos.playlist_id, video_months.month
),

spine as (
    select
        playlists.playlist_id,
        months.month_start
    from playlists
    cross join months
),

final as (
    select
        spine.playlist_id,
        spine.month_start as month,
        coalesce(published.count_videos, 0) as count_videos,
        coalesce(published.total_views, 0) as total_views,
        -- no video that month: 0; videos that all hide their likes: unknown (NULL)
        case
            when published.count_videos is null then 0
            else published.total_likes
        end as total_likes,
        -- an average over no video is undefined: NULL rather than a misleading 0
        published.avg_views,
        published.avg_likes,
        gained.views_gained
    from spine
    left join published
        on
            spine.playlist_id = published.playlist_id
            and spine.month_start = published.month
    left join gained
        on
            spine.playlist_id = gained.playlist_id
            and spine.month_start = gained.month
)

select * from final
