{#
    Seconds in an ISO-8601 duration as YouTube writes it (`PT4M13S`, `PT1H2M3S`, `P1DT2H`,
    `PT0S` for live streams). NULL when the text is absent or not a duration. Regular
    expressions have no cross-database dbt macro, so this dispatches per adapter.
#}
{% macro iso8601_duration_seconds(column) -%}
    {{ return(adapter.dispatch('iso8601_duration_seconds', 'tubewarehouse')(column)) }}
{%- endmacro %}

{% macro default__iso8601_duration_seconds(column) -%}
    case
        when {{ column }} ~ '^P(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$' and {{ column }} <> 'P'
            then
                coalesce(cast(substring({{ column }} from '(\d+)D') as bigint), 0) * 86400
                + coalesce(cast(substring({{ column }} from 'T.*?(\d+)H') as bigint), 0) * 3600
                + coalesce(cast(substring({{ column }} from 'T.*?(\d+)M') as bigint), 0) * 60
                + coalesce(cast(substring({{ column }} from 'T.*?(\d+)S') as bigint), 0)
    end
{%- endmacro %}

{% macro duckdb__iso8601_duration_seconds(column) -%}
    case
        when regexp_full_match({{ column }}, 'P(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?') and {{ column }} <> 'P'
            then
                coalesce(cast(nullif(regexp_extract({{ column }}, '(\d+)D', 1), '') as bigint), 0) * 86400
                + coalesce(cast(nullif(regexp_extract({{ column }}, 'T.*?(\d+)H', 1), '') as bigint), 0) * 3600
                + coalesce(cast(nullif(regexp_extract({{ column }}, 'T.*?(\d+)M', 1), '') as bigint), 0) * 60
                + coalesce(cast(nullif(regexp_extract({{ column }}, 'T.*?(\d+)S', 1), '') as bigint), 0)
    end
{%- endmacro %}
