{#
    Generic test: the combination of `combination_of_columns` is unique in the model (as
    dbt_utils' test of the same name; the project depends on no dbt package).
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as n_rows
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}
