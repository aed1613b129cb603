{#
    Cross-model invariant: over all months, a playlist's monthly video counts and views add
    up to its available videos published since the first month (the dense monthly mart
    loses and invents nothing).
#}
with

monthly as (
    select
        playlist_id,
        sum(count_videos) as count_videos,
        sum(total_views) as total_views
    from {{ ref('playlist_monthly') }}
    group by playlist_id
),

playlist_videos as (
    select distinct
        playlist_id,
        video_id,
        view_count
    from {{ ref('playlist_videos') }}
    where
        is_available
        and video_published_month >= cast('{{ var("monthly_start_date") }}' as date)
),

expected as (
    select
        playlist_id,
        count(*) as count_videos,
        coalesce(sum(view_count), 0) as total_views
    from playlist_videos
    group by playlist_id
)

select
    monthly.playlist_id,
    monthly.count_videos,
    expected.count_videos as expected_count_videos
from monthly
left join expected
    on monthly.playlist_id = expected.playlist_id
where
    monthly.count_videos <> coalesce(expected.count_videos, 0)
    or monthly.total_views <> coalesce(expected.total_views, 0)
