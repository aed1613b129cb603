{#
    The items of each listing's latest complete crawl, from the page ledger: the pages
    latest_crawl_pages chooses, each resolved to the landing that holds its items.

    `pages` and `items` are relations (CTE names) of stg_youtube__pages filtered to one
    resource and of that resource's staging model; returns the items' columns plus
    `item_recency` (1 = the row to keep when an item repeats across pages).
#}
{% macro latest_crawl_items(pages, items, group_column, item_key) -%}
    {{ latest_crawl_pages(pages, group_column) }},

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
