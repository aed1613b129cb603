{#
    A whole number from the API (a playlist item's `position`) as integer; NULL when absent
    or not a non-negative integer that fits, so one malformed value is flagged instead of
    failing the build.
#}
{% macro text_to_integer(text_expression) -%}
    {{ return(adapter.dispatch('text_to_integer', 'tubewarehouse')(text_expression)) }}
{%- endmacro %}

{% macro default__text_to_integer(text_expression) -%}
    case
        when {{ text_expression }} ~ '^[0-9]{1,9}$' then cast({{ text_expression }} as integer)
    end
{%- endmacro %}

{% macro duckdb__text_to_integer(text_expression) -%}
    case
        when regexp_full_match({{ text_expression }}, '[0-9]{1,9}') then cast({{ text_expression }} as integer)
    end
{%- endmacro %}
