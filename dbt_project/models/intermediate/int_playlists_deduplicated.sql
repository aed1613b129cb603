{#
    grain: one row per playlist listed by its channel's latest complete playlists.list crawl
    (from the page ledger: see the latest_crawl_items macro), with that snapshot. Uploads
    playlists are not listed by playlists.list; a deleted playlist drops out; a page answered
    304 Not Modified keeps the playlists it had.
#}
-- a table: built once per run, then read by the marts and the tests
{{ config(materialized='table') }}

with

pages as (
    select * from {{ ref('stg_youtube__pages') }}
    where
        resource = 'playlists'
        and not is_rejected
),

playlists as (
    select * from {{ ref('stg_youtube__playlists') }}
    where not is_rejected
),

{{ latest_crawl_items('pages', 'playlists', 'channel_id', 'playlist_id') }},

final as (
    select
        playlist_id,
        channel_id,
        title,
        description,
        published_at,
        item_count,
        privacy_status,
        run_id,
        captured_at
    from crawled_items
    where item_recency = 1
)

select * from final
