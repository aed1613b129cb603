{#
    Each listing's latest complete crawl, from the page ledger, and where each of its pages'
    items are.

    A crawl is one run's pages of one listing (`group_column`: the playlist or channel asked
    about); it is complete when its last page (no next page token) landed, so a crawl that
    failed halfway never replaces a complete one, and a crawl that returned no items (an
    emptied playlist) does. A page answered 304 Not Modified landed no items: it holds those
    of the latest earlier landing of the same page with the same etag.

    `pages` is a relation (CTE name) with the columns of stg_youtube__pages used here (run_id,
    request_key, page_token, captured_at, etag, next_page_token, is_not_modified and
    `group_column`), filtered to one resource. Returns CTEs ending with `page_landings`: per
    page of the chosen crawls, `landing_run_id` (the run whose rows hold its items) where
    `landing_recency` = 1.

    Raw retention (extract/retention_sql.py) renders this macro too, over the raw ledger, to
    keep exactly the landings the models read: it must use nothing but its arguments.
#}
{% macro latest_crawl_pages(pages, group_column) -%}
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
    )
{%- endmacro %}
