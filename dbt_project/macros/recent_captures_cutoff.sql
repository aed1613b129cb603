{#
    The start of the "recent" window the tests on history tables check on an hourly build:
    the latest API capture (the page ledger's newest captured_at) minus
    var('test_recent_days') days, as a timestamp literal. Computed before the test's query
    runs, so the database plans the test's read with a known bound (an index range scan of
    the recent rows, not a scan of the whole history).
#}
{% macro recent_captures_cutoff() -%}
    {%- set cutoff = none -%}
    {%- set pages = graph.sources['source.tubewarehouse.youtube.pages'] if execute else none -%}
    {%- if pages and adapter.get_relation(pages.database, pages.schema, pages.identifier) -%}
        {%- set cutoff = scalar(
            'select ' ~ dbt.dateadd('day', -var('test_recent_days', 2), 'max(captured_at)')
            ~ ' from ' ~ pages.database ~ '.' ~ pages.schema ~ '.' ~ pages.identifier
        ) -%}
    {%- endif -%}
    {{ timestamp_literal(cutoff) }}
{%- endmacro %}
