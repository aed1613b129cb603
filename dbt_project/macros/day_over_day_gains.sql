{#
    Daily gains against the previous observed day, for a model with one row per
    `partition_by` per `stats_date`: `previous_stats_date`, then one
    `<column> - <previous day's column> as <gain name>` per (column, name) pair of `gains`.
    NULL on the first observed day (never a lifetime total), when either count is unknown,
    and after a gap longer than var('max_gain_gap_days') days (too long to call daily).
    Usage: {{ day_over_day_gains('video_id', [('view_count', 'views_gained')]) }}
#}
{% macro day_over_day_gains(partition_by, gains) -%}
    {%- set previous_date -%}
        lag(stats_date) over (partition by {{ partition_by }} order by stats_date)
    {%- endset -%}
    {%- set is_chained -%}
        {{ dbt.datediff(previous_date, 'stats_date', 'day') }}
            <= {{ var('max_gain_gap_days', 30) }}
    {%- endset -%}
    case
        when {{ is_chained }}
            then {{ previous_date }}
    end as previous_stats_date
    {%- for column, name in gains %},
    case
        when {{ is_chained }}
            then {{ column }}
            - lag({{ column }}) over (partition by {{ partition_by }} order by stats_date)
    end as {{ name }}
    {%- endfor %}
{%- endmacro %}
