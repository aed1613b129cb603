{#
    grain: one row per playlist item as of its playlist's most recent crawl
    (an item removed from a playlist drops out when the playlist is crawled again)
#}
with

playlist_items as (
    select * from {{ ref('stg_youtube__playlist_items') }}
),

latest_crawl as (
    select
        playlist_id,
        max(captured_at) as captured_at
    from playlist_items
    group by playlist_id
),

crawl_run as (
    -- the run of each playlist's latest crawl (its pages may carry several capture times)
    select distinct
        playlist_items.playlist_id,
        playlist_items.run_id
    from playlist_items
    inner join latest_crawl
        on
            playlist_items.playlist_id = latest_crawl.playlist_id
            and playlist_items.captured_at = latest_crawl.captured_at
),

ranked as (
    select
        playlist_items.*,
        row_number() over (
            partition by playlist_items.playlist_item_id
            order by playlist_items.captured_at desc
        ) as row_in_item
    from playlist_items
    inner join crawl_run
        on
            playlist_items.playlist_id = crawl_run.playlist_id
            and playlist_items.run_id = crawl_run.run_id
),

final as (
    select
        playlist_item_id,
        playlist_id,
        video_id,
        position,
        added_at,
        video_published_at,
        title,
        video_owner_channel_id,
        privacy_status,
        is_placeholder,
        run_id,
        captured_at
    from ranked
    where row_in_item = 1
)

select * from final
