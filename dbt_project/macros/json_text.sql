{#
    Read a text value at a path inside a JSON column. dbt has no cross-database JSON macro,
    so this dispatches per adapter: staging stays portable (Postgres jsonb, DuckDB json).
    Usage: {{ json_text('item', ['statistics', 'viewCount']) }}
#}
{% macro json_text(column, path) -%}
    {{ return(adapter.dispatch('json_text', 'tubewarehouse')(column, path)) }}
{%- endmacro %}

{% macro default__json_text(column, path) -%}
    ({{ column }} #>> '{{ "{" ~ path | join(",") ~ "}" }}')
{%- endmacro %}

{% macro duckdb__json_text(column, path) -%}
    json_extract_string({{ column }}, '$.{{ path | join(".") }}')
{%- endmacro %}
