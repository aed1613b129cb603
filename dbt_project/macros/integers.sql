{#
    One row per integer `n` from `first` to `last` (inclusive), built from a cross join of
    digit lists (no generate_series), so it runs on any adapter. A whole select statement:
    use it as a CTE body.
#}
{% macro integers(first, last) -%}
    {%- set places = last | string | length -%}
    with digits as (
        {% for d in range(10) %}
            select {{ d }} as d
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
    ),

    numbers as (
        select
            {% for place in range(places) -%}
                place_{{ place }}.d * {{ 10 ** place }}{% if not loop.last %} +{% endif %}
            {% endfor %} as n
        from digits as place_0
        {% for place in range(1, places) %}
            cross join digits as place_{{ place }}
        {% endfor %}
    )

    select n
    from numbers
    where n between {{ first }} and {{ last }}
{%- endmacro %}
