{#
    Generic test, used as a warning: the rows of a staging model whose `problem` is set, with
    the columns that name them (`name_columns`: the run, the request and page, the place in
    the listing, the item's id) and the problem: what staging flagged and the marts left out
    (is_rejected) or kept with NULL in the value that could not be read.
#}
{% test item_problems(model, name_columns) %}
    select
        {{ name_columns | join(', ') }},
        problem
    from {{ model }}
    where problem is not null
{% endtest %}
