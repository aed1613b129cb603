{#
    grain: one row per playlist item in its playlist's latest complete crawl. The crawl is
    read from the page ledger, so a playlist that became empty has no items (its crawl landed
    a page with none), and a crawl that failed halfway never replaces a complete one.
#}
with

pages as (
    select * from {{ ref('stg_youtube__pages') }}
    where resource = 'playlist_items'
),

playlist_items as (
    select * from {{ ref('stg_youtube__playlist_items') }}
),

crawls as (
    select
        playlist_id,
        run_id,
        request_key,
        min(captured_at) as crawled_at,
        -- complete when its last page (no next page token) landed
        max(case when next_page_token is null then 1 else 0 end) as is_complete
    from pages
    group by playlist_id, run_id, request_key
),

latest_crawl as (
    select
        *,
        row_number() over (
            partition by playlist_id
            order by crawled_at desc, run_id desc
        ) as crawl_recency
    from crawls
    where is_complete = 1
),

crawled_items as (
    select
        playlist_items.*,
        -- an item can repeat across pages when the playlist changes mid-crawl
        row_number() over (
            partition by playlist_items.playlist_item_id
            order by playlist_items.captured_at desc
        ) as item_recency
    from playlist_items
    inner join latest_crawl
        on
            playlist_items.run_id = latest_crawl.run_id
            and playlist_items.request_key = latest_crawl.request_key
    where latest_crawl.crawl_recency = 1
),

final as (
    select
        playlist_item_id,
        playlist_id,
        video_id,
        resource_kind,
        position,
        added_at,
        video_published_at,
        title,
        video_owner_channel_id,
        privacy_status,
        is_placeholder,
        run_id,
        captured_at
    from crawled_items
    where item_recency = 1
)

select * from final
