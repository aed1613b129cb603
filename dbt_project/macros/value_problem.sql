{#- A value the API sent that could not be read as `expected` (its column is NULL). -#}
{% macro value_problem(text_expression, parsed_expression, field, expected) -%}
    case
        when {{ text_expression }} is not null and {{ parsed_expression }} is null
            then '{{ field }} is not {{ expected }}'
    end
{%- endmacro %}
