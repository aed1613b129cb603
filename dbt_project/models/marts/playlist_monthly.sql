{#
    grain: one row per playlist per calendar month (UTC) from var('monthly_start_date') to
    the current month, dense: months with no video published have zero counts and totals.
    A video's month is its own publish date (videos.list snippet.publishedAt), never the date
    it was added to the playlist.
#}
with

playlists as (
    select * from {{ ref('playlists') }}
),

playlist_videos as (
    select * from {{ ref('int_playlist_videos_joined') }}
),

months as (
    {{ month_spine(var('monthly_start_date'), dbt.current_timestamp()) }}
),

monthly as (
    select
        playlist_id,
        published_month,
        count(*) as count_videos,
        cast(sum(view_count) as bigint) as total_views,
        cast(sum(like_count) as bigint) as total_likes,
        cast(round(avg(view_count), 2) as numeric(20, 2)) as avg_views,
        cast(round(avg(like_count), 2) as numeric(20, 2)) as avg_likes
    from playlist_videos
    group by playlist_id, published_month
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
        coalesce(monthly.count_videos, 0) as count_videos,
        coalesce(monthly.total_views, 0) as total_views,
        -- no video that month: 0; videos that all hide their likes: unknown (NULL)
        case
            when monthly.count_videos is null then 0
            else monthly.total_likes
        end as total_likes,
        -- an average over no video is undefined: NULL rather than a misleading 0
        monthly.avg_views,
        monthly.avg_likes
    from spine
    left join monthly
        on
            spine.playlist_id = monthly.playlist_id
            and spine.month_start = monthly.published_month
)

select * from final
