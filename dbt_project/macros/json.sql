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

{#- Does the JSON object at `path` have the key `key`? (Absent keys mean unknown, not zero.) -#}
{% macro json_has_key(column, path, key) -%}
    {{ return(adapter.dispatch('json_has_key', 'tubewarehouse')(column, path, key)) }}
{%- endmacro %}

{% macro default__json_has_key(column, path, key) -%}
    coalesce(({{ column }} #> '{{ "{" ~ path | join(",") ~ "}" }}') ? '{{ key }}', false)
{%- endmacro %}

{% macro duckdb__json_has_key(column, path, key) -%}
    (json_extract({{ column }}, '$.{{ (path + [key]) | join(".") }}') is not null)
{%- endmacro %}

{#-
    The JSON type of a JSON value, as one word on every adapter: object, array, string,
    number, boolean or null (raw items that are not objects are flagged by staging).
-#}
{% macro json_type(column) -%}
    {{ return(adapter.dispatch('json_type', 'tubewarehouse')(column)) }}
{%- endmacro %}

{% macro default__json_type(column) -%}
    jsonb_typeof({{ column }})
{%- endmacro %}

{% macro duckdb__json_type(column) -%}
    case json_type({{ column }})
        when 'OBJECT' then 'object'
        when 'ARRAY' then 'array'
        when 'VARCHAR' then 'string'
        when 'BOOLEAN' then 'boolean'
        when 'NULL' then 'null'
        else 'number'
    end
{%- endmacro %}
