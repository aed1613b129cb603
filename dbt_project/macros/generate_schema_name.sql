{#
    Use a model's custom schema name as is (`staging`, `intermediate`, `marts`) rather than
    dbt's default `<target_schema>_<custom>`: the marts schema name is a contract that the
    Evidence reports and outside checks read.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
