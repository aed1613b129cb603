{#
    grain: one row per playlist item in its playlist's latest complete crawl (from the page
    ledger: see the latest_crawl_items macro). A playlist that became empty has no items; a
    crawl that failed halfway never replaces a complete one; a page answered 304 Not Modified
    keeps the items it had. Uploads playlists included.
#}
-- a table: built once per run, then read by the marts and the tests
{{ config(materialized='table') }}

with

pages as (
    select * from {{ ref('stg_youtube__pages') }}
    where
        resource = 'playlist_items'
        and not is_rejected
),

playlist_items as (
    select * from {{ ref('stg_youtube__playlist_items') }}
    where not is_rejected
),

{{ latest_crawl_items('pages', 'playlist_items', 'playlist_id', 'playlist_item_id') }},

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
