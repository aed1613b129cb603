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
