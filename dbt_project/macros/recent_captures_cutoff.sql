{#
    The start of the "recent" window the tests on history tables check on an hourly build:
    the latest API capture (the page ledger's newest captured_at) minus
    var('test_recent_days') days, or minus `hours` hours when given, as a timestamp literal.
    Computed before the test's query runs, so the database plans the test's read with a
    known bound (an index range scan of the recent rows, not a scan of the whole history).
    Pages dated after capture_horizon() (a Date header that cannot be true) do not count:
    they would leave nothing to test.
#}
{% macro recent_captures_cutoff(hours=none) -%}
    {%- set cutoff = none -%}
    {%- set pages = graph.sources['source.tubewarehouse.youtube.pages'] if execute else none -%}
    {%- if pages and adapter.get_relation(pages.database, pages.schema, pages.identifier) -%}
        {%- set start = dbt.dateadd('hour', -hours, 'max(captured_at)') if hours is not none
            else dbt.dateadd('day', -var('test_recent_days', 2), 'max(captured_at)') -%}
        {%- set cutoff = scalar(
            'select ' ~ start
            ~ ' from ' ~ pages.database ~ '.' ~ pages.schema ~ '.' ~ pages.identifier
            ~ ' where captured_at <= ' ~ capture_horizon()
        ) -%}
    {%- endif -%}
    {{ timestamp_literal(cutoff) }}
{%- endmacro %}
