{#- A timestamp with time zone literal; 1900-01-01 (before any data) when `value` is none. -#}
{% macro timestamp_literal(value) -%}
    cast('{{ value if value is not none else "1900-01-01 00:00:00+00:00" }}' as timestamp with time zone)
{%- endmacro %}
