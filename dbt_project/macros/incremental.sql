{#
    The lower bound of an incremental model's next read: the newest value of `column` already
    in the model, minus `lookback_hours` (pages can land late, and a rerun must see the rows it
    replaces). Returned as a timestamp literal computed before the model's query runs, so the
    database plans the read with a known bound and uses the raw tables' captured_at index
    instead of scanning the whole history. On a full build (not incremental) it is
    1900-01-01, so models can filter unconditionally. Values after capture_horizon() (the
    build's clock plus var('max_capture_ahead_minutes')) are not taken for the newest: one
    row dated in 2100 by a bad Date header, stored before the models left such rows out,
    must not make every later build wait for 2100.
#}
{% macro incremental_cutoff(column, lookback_hours=none) -%}
    {%- set hours = lookback_hours if lookback_hours is not none
        else var('incremental_lookback_hours', 3) -%}
    {%- set cutoff = none -%}
    {%- if execute and is_incremental() -%}
        {%- do require_column(column) -%}
        {#- the newest value among the last two days' first: on an append-only history with
            a BRIN index that reads the last blocks, not the whole table (a full scan: 0.6 s
            cached at 20M video_stats rows, ~20 s when not); the whole table only when the
            model has nothing that recent (the pipeline stopped for days, or tests' clocks) -#}
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

{#
    Like incremental_cutoff, for a date column: the newest `column` in the model (up to the
    capture horizon's date) minus `lookback_days`, as a date literal ('1900-01-01' when the
    model is empty).
#}
{% macro incremental_cutoff_date(column, lookback_days=0, month_start=false) -%}
    {%- set cutoff = none -%}
    {%- if execute and is_incremental() -%}
        {%- do require_column(column) -%}
        {%- set latest = scalar(
            'select max(' ~ column ~ ') from ' ~ this ~ ' where ' ~ column ~ ' <= cast('
            ~ capture_horizon() ~ ' as date)'
        ) -%}
        {%- if latest is not none -%}
            {%- set cutoff = latest - modules.datetime.timedelta(days=lookback_days) -%}
            {%- if month_start -%}
                {%- set cutoff = cutoff.replace(day=1) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    cast('{{ cutoff if cutoff is not none else "1900-01-01" }}' as date)
{%- endmacro %}

{#
    An incremental model's existing table must have the column its next read starts from;
    a table built by an older version of the project may not: say what to do.
#}
{% macro require_column(column) -%}
    {%- set names = adapter.get_columns_in_relation(this) | map(attribute='name') | list -%}
    {%- if column not in names -%}
        {%- do exceptions.raise_compiler_error(
            this ~ ' was built by an older version of tubewarehouse (it has no column `'
            ~ column ~ '`). Rebuild the marts from the raw history once: '
            ~ '`ytw dbt -- build --full-refresh` (the raw tables are kept).'
        ) -%}
    {%- endif -%}
{%- endmacro %}

{#- The first value of a query's first row (run before the model's query: execute only). -#}
{% macro scalar(sql) -%}
    {{ return(run_query(sql).columns[0].values()[0]) }}
{%- endmacro %}

{#- A timestamp with time zone literal; 1900-01-01 (before any data) when `value` is none. -#}
{% macro timestamp_literal(value) -%}
    cast('{{ value if value is not none else "1900-01-01 00:00:00+00:00" }}' as timestamp with time zone)
{%- endmacro %}
