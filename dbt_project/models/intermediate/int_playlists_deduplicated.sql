{#
    grain: one row per playlist listed by its channel's latest complete playlists.list crawl
    (uploads playlists are not listed there, and a deleted playlist drops out), with its
    latest snapshot.
#}
with

pages as (
    select * from {{ ref('stg_youtube__pages') }}
    where resource = 'playlists'
),

playlists as (
    select * from {{ ref('stg_youtube__playlists') }}
),

crawls as (
    select
        channel_id,
        run_id,
        request_key,
        min(captured_at) as crawled_at,
        max(case when next_page_token is null then 1 else 0 end) as is_complete
    from pages
    group by channel_id, run_id, request_key
),

latest_crawl as (
    select
        *,
        row_number() over (
            partition by channel_id
            order by crawled_at desc, run_id desc
        ) as crawl_recency
    from crawls
    where is_complete = 1
),

crawled_playlists as (
    select
        playlists.*,
        row_number() over (
            partition by playlists.playlist_id
            order by playlists.captured_at desc
        ) as playlist_recency
    from playlists
    inner join latest_crawl
        on
            playlists.run_id = latest_crawl.run_id
            and playlists.request_key = latest_crawl.request_key
    where latest_crawl.crawl_recency = 1
),

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
    from crawled_playlists
    where playlist_recency = 1
)

select * from final
