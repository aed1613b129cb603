{#
    The items of each listing's latest complete crawl, from the page ledger.

    A crawl is one run's pages of one listing (`group_column`: the playlist or channel asked
    about); it is complete when its last page (no next page token) landed, so a crawl that
    failed halfway never replaces a complete one, and a crawl that returned no items (an
    emptied playlist) does. A page answered 304 Not Modified landed no items: it holds those
    of the latest earlier landing of the same page with the same etag.

    `pages` and `items` are relations (CTE names) of stg_youtube__pages filtered to one
    resource and of that resource's staging model; returns the items' columns plus
    `item_recency` (1 = the row to keep when an item repeats across pages).
#}
{% macro latest_crawl_items(pages, items, group_column, item_key) -%}
    crawls as (
        select
            {{ group_column }},
            run_id,
            request_key,
            min(captured_at) as crawled_at,
            max(case when next_page_token is null then 1 else 0 end) as is_complete
        from {{ pages }}
        group by {{ group_column }}, run_id, request_key
    ),

    latest_crawl as (
        select
            *,
            row_number() over (
                partition by {{ group_column }}
                order by crawled_at desc, run_id desc
            ) as crawl_recency
        from crawls
        where is_complete = 1
    ),

    crawl_pages as (
        select {{ pages }}.*
        from {{ pages }}
        inner join latest_crawl
            on
                {{ pages }}.run_id = latest_crawl.run_id
                and {{ pages }}.request_key = latest_crawl.request_key
        where latest_crawl.crawl_recency = 1
    ),

    page_landings as (
        -- where each page's items are: itself, or for a 304 the earlier landing it matched
        select
            crawl_pages.request_key,
            crawl_pages.page_token,
            landings.run_id as landing_run_id,
            row_number() over (
                partition by crawl_pages.run_id, crawl_pages.request_key, crawl_pages.page_token
                order by landings.captured_at desc
            ) as landing_recency
        from crawl_pages
        inner join {{ pages }} as landings
            on
                crawl_pages.request_key = landings.request_key
                and crawl_pages.page_token = landings.page_token
                and not landings.is_not_modified
                and (
                    (not crawl_pages.is_not_modified and crawl_pages.run_id = landings.run_id)
                    or (
                        crawl_pages.is_not_modified
                        and crawl_pages.etag = landings.etag
                        and crawl_pages.captured_at >= landings.captured_at
                    )
                )
    ),

    crawled_items as (
        select
            {{ items }}.*,
            -- an item can repeat across pages when the listing changes mid-crawl (the latest
            -- page's copy is kept), or within a page (its first copy)
            row_number() over (
                partition by {{ items }}.{{ item_key }}
                order by {{ items }}.captured_at desc, {{ items }}.item_index asc
            ) as item_recency
        from {{ items }}
        inner join page_landings
            on
                {{ items }}.run_id = page_landings.landing_run_id
                and {{ items }}.request_key = page_landings.request_key
                and {{ items }}.page_token = page_landings.page_token
        where page_landings.landing_recency = 1
    )
{%- endmacro %}
