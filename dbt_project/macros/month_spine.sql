{#
    One row per calendar month (`month_start`, a date) from `start_date` to the month of
    `end_date`, built from a digits cross join (no generate_series) so it runs on any adapter.
    Covers up to 1,000 months.
#}
{% macro month_spine(start_date, end_date) -%}
    with digits as (
        {% for d in range(10) -%}
            select {{ d }} as d {% if not loop.last %}union all{% endif %}
        {% endfor %}
    ),

    numbers as (
        select hundreds.d * 100 + tens.d * 10 + ones.d as n
        from digits as hundreds
        cross join digits as tens
        cross join digits as ones
    )

    select
        cast({{ dbt.dateadd('month', 'n', "cast('" ~ start_date ~ "' as date)") }} as date)
            as month_start
    from numbers
    where n <= {{ dbt.datediff("cast('" ~ start_date ~ "' as date)", end_date, 'month') }}
{%- endmacro %}
