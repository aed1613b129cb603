{#
    A count from the API (a uint64 JSON string) as bigint; NULL when absent or not a
    non-negative integer, so one malformed value is flagged instead of failing the build.
#}
{% macro count_to_bigint(text_expression) -%}
    {{ return(adapter.dispatch('count_to_bigint', 'tubewarehouse')(text_expression)) }}
{%- endmacro %}

{% macro default__count_to_bigint(text_expression) -%}
    case
        when {{ text_expression }} ~ '^[0-9]{1,18}$' then cast({{ text_expression }} as bigint)
    end
{%- endmacro %}

{% macro duckdb__count_to_bigint(text_expression) -%}
    case
        when regexp_full_match({{ text_expression }}, '[0-9]{1,18}') then cast({{ text_expression }} as bigint)
    end
{%- endmacro %}
