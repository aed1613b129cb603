{#
    One row per calendar month (`month_start`, a date) from `start_date` to the month of
    `end_date`, built on the integers macro (no generate_series) so it runs on any adapter.
    Covers up to 1,000 months.
#}
{% macro month_spine(start_date, end_date) -%}
    with month_numbers as (
        {{ integers(0, 999) }}
    )

    select
        cast({{ dbt.dateadd('month', 'n', "cast('" ~ start_date ~ "' as date)") }} as date)
            as month_start
    from month_numbers
    where n <= {{ dbt.datediff("cast('" ~ start_date ~ "' as date)", end_date, 'month') }}
{%- endmacro %}
