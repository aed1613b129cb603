{#
    The lower bound of an incremental model's next read: the newest value of `column` already
    in the model, minus `lookback_hours` (pages can land late, and a rerun must see the rows it
    replaces). Returned as a timestamp literal computed before the model's query runs, so the
    database plans the read with a known bound and uses the raw tables' captured_at index
    instead of scanning the whole history. On a full build (not incremental) it is
    1900-01-01, so models can filter unconditionally. Values after capture_horizon() (the
    build's clock plus var('max_capture_ahead_minutes')) are not taken for the newest: one
    row dated in 2100 by a bad Date header must not make every later build wait for 2100.
#}
{% macro incremental_cutoff(column, lookback_hours=none) -%}
    {%- set hours = lookback_hours if lookback_hours is not none
        else var('incremental_lookback_hours', 3) -%}
    {%- set cutoff = none -%}
    {%- if execute and is_incremental() -%}
        {%- do require_column(column) -%}
        {#- the newest value among the last two days' first: on an append-only history with
            a BRIN index that reads the last blocks, not the whole table; the whole table
            only when the model has nothing that recent (the pipeline stopped for days) -#}
        {%- set believable = column ~ ' <= ' ~ capture_horizon() -%}
        {%- set recent = column ~ ' > ' ~ dbt.dateadd('day', -2, dbt.current_timestamp())
            ~ ' and ' ~ believable -%}
        {%- set cutoff = scalar(
            'select ' ~ dbt.dateadd('hour', -hours, 'coalesce((select max(' ~ column ~ ') from '
            ~ this ~ ' where ' ~ recent ~ '), (select max(' ~ column ~ ') from ' ~ this
            ~ ' where ' ~ believable ~ '))')
        ) -%}
    {%- endif -%}
    {{ timestamp_literal(cutoff) }}
{%- endmacro %}
