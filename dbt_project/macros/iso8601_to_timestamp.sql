{#
    A timestamp from the API (`2026-11-02T12:00:00Z`, fractions of a second and `+hh:mm`
    offsets allowed) as timestamp with time zone; NULL when absent or not a real ISO-8601
    instant. Strict on purpose: a plain cast would fail the build on one bad value, and would
    turn words PostgreSQL accepts ("yesterday", "now", "epoch") into the build machine's
    clock. The pattern checks the calendar too (no 30 February, 29 February in leap years
    only), so the cast after it cannot fail. Regular expressions have no cross-database dbt
    macro: this dispatches per adapter.
#}
{% macro iso8601_to_timestamp(text_expression) -%}
    {{ return(adapter.dispatch('iso8601_to_timestamp', 'tubewarehouse')(text_expression)) }}
{%- endmacro %}

{% macro default__iso8601_to_timestamp(text_expression) -%}
    case
        when {{ text_expression }} ~ '^{{ iso8601_timestamp_pattern() }}$'
            then cast({{ text_expression }} as timestamp with time zone)
    end
{%- endmacro %}

{% macro duckdb__iso8601_to_timestamp(text_expression) -%}
    case
        when regexp_full_match({{ text_expression }}, '{{ iso8601_timestamp_pattern() }}')
            then try_cast({{ text_expression }} as timestamp with time zone)
    end
{%- endmacro %}
