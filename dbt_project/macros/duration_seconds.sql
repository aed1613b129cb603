{#
    Seconds in a video duration as the API writes it: ISO-8601 from videos.list (`PT4M13S`,
    `PT1H2M3S`, `P1DT2H`, `PT0S` for live streams), or the JSON form of a protobuf Duration
    from videos.batchGetStats (`1063s`, fractions dropped). NULL when the text is absent or
    neither. Regular expressions have no cross-database dbt macro, so this dispatches per
    adapter.
#}
{% macro duration_seconds(column) -%}
    {{ return(adapter.dispatch('duration_seconds', 'tubewarehouse')(column)) }}
{%- endmacro %}

{% macro default__duration_seconds(column) -%}
    case
        when {{ column }} ~ '^\d+(\.\d+)?s$'
            then cast(substring({{ column }} from '^(\d+)') as bigint)
        when {{ column }} ~ '^P(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$' and {{ column }} <> 'P'
            then
                coalesce(cast(substring({{ column }} from '(\d+)D') as bigint), 0) * 86400
                + coalesce(cast(substring({{ column }} from 'T.*?(\d+)H') as bigint), 0) * 3600
                + coalesce(cast(substring({{ column }} from 'T.*?(\d+)M') as bigint), 0) * 60
                + coalesce(cast(substring({{ column }} from 'T.*?(\d+)S') as bigint), 0)
    end
{%- endmacro %}

{% macro duckdb__duration_seconds(column) -%}
    case
        when regexp_full_match({{ column }}, '\d+(\.\d+)?s')
            then cast(regexp_extract({{ column }}, '^(\d+)', 1) as bigint)
        when regexp_full_match({{ column }}, 'P(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?') and {{ column }} <> 'P'
            then
                coalesce(cast(nullif(regexp_extract({{ column }}, '(\d+)D', 1), '') as bigint), 0) * 86400
                + coalesce(cast(nullif(regexp_extract({{ column }}, 'T.*?(\d+)H', 1), '') as bigint), 0) * 3600
                + coalesce(cast(nullif(regexp_extract({{ column }}, 'T.*?(\d+)M', 1), '') as bigint), 0) * 60
                + coalesce(cast(nullif(regexp_extract({{ column }}, 'T.*?(\d+)S', 1), '') as bigint), 0)
    end
{%- endmacro %}
