{#
    grain: one row per video: every video returned by videos.list, plus deleted or private
    videos known only as placeholders in playlists. Latest statistics and availability are
    resolved here once, for the videos mart and for the playlist aggregates.
#}
with

snapshots as (
    select * from {{ ref('int_video_snapshots_deduplicated') }}
),

playlist_items as (
    select * from {{ ref('stg_youtube__playlist_items') }}
),

latest_run as (
    -- the most recent run that fetched video statistics
    select run_id
    from snapshots
    where captured_at = (select max(captured_at) from snapshots)
    group by run_id
),

capture_range as (
    select
        video_id,
        min(captured_at) as first_captured_at,
        max(captured_at) as last_captured_at
    from snapshots
    group by video_id
),

latest_snapshot as (
    select
        snapshots.*,
        row_number() over (
            partition by snapshots.video_id
            order by snapshots.captured_at desc
        ) as snapshot_recency
    from snapshots
),

fetched_videos as (
    select
        latest_snapshot.video_id,
        latest_snapshot.channel_id,
        latest_snapshot.title,
        latest_snapshot.category_id,
        latest_snapshot.published_at,
        latest_snapshot.duration_iso8601,
        latest_snapshot.privacy_status,
        latest_snapshot.view_count,
        latest_snapshot.like_count,
        latest_snapshot.comment_count,
        latest_snapshot.is_like_count_hidden,
        latest_snapshot.is_comment_count_hidden,
        -- still returned by the API the last time statistics were fetched
        (latest_run.run_id is not null) as is_available,
        capture_range.first_captured_at,
        capture_range.last_captured_at
    from latest_snapshot
    inner join capture_range
        on latest_snapshot.video_id = capture_range.video_id
    left join latest_run
        on latest_snapshot.run_id = latest_run.run_id
    where latest_snapshot.snapshot_recency = 1
),

placeholder_videos as (
    -- deleted/private videos never returned by videos.list: known only from playlists
    select
        playlist_items.video_id,
        max(playlist_items.title) as title
    from playlist_items
    left join capture_range
        on playlist_items.video_id = capture_range.video_id
    where
        playlist_items.is_placeholder
        and playlist_items.video_id is not null
        and capture_range.video_id is null
    group by playlist_items.video_id
),

unioned as (
    select * from fetched_videos

    union all

    select
        video_id,
        cast(null as {{ dbt.type_string() }}) as channel_id,
        title,
        cast(null as {{ dbt.type_string() }}) as category_id,
        cast(null as timestamp with time zone) as published_at,
        cast(null as {{ dbt.type_string() }}) as duration_iso8601,
        cast(null as {{ dbt.type_string() }}) as privacy_status,
        cast(null as bigint) as view_count,
        cast(null as bigint) as like_count,
        cast(null as bigint) as comment_count,
        cast(null as boolean) as is_like_count_hidden,
        cast(null as boolean) as is_comment_count_hidden,
        false as is_available,
        cast(null as timestamp with time zone) as first_captured_at,
        cast(null as timestamp with time zone) as last_captured_at
    from placeholder_videos
),

final as (
    select * from unioned
)

select * from final
