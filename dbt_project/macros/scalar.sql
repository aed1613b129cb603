{#- The first value of a query's first row (run before the model's query: execute only). -#}
{% macro scalar(sql) -%}
    {{ return(run_query(sql).columns[0].values()[0]) }}
{%- endmacro %}
