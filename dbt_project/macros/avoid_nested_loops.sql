{#
    A pre_hook for the incremental models whose hourly build joins a few thousand new rows
    to what is stored: PostgreSQL's planner estimates those new rows at one or two (filters on
    row_number(), or raw-table statistics older than the newest captures) and picks nested
    loops that probe the stored side once per new row, several times slower than hash joins.
    `set local` lasts for the model's transaction only.
    Other adapters: nothing (an empty hook is not run).
#}
{% macro avoid_nested_loops() -%}
    {{ return(adapter.dispatch('avoid_nested_loops')()) }}
{%- endmacro %}

{% macro default__avoid_nested_loops() -%}
    {{ return('') }}
{%- endmacro %}

{% macro postgres__avoid_nested_loops() -%}
    {{ return('set local enable_nestloop = off') }}
{%- endmacro %}
