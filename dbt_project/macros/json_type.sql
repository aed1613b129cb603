{#-
    The JSON type of a JSON value, as one word on every adapter: object, array, string,
    number, boolean or null (raw items that are not objects are flagged by staging).
-#}
{% macro json_type(column) -%}
    {{ return(adapter.dispatch('json_type', 'tubewarehouse')(column)) }}
{%- endmacro %}

{% macro default__json_type(column) -%}
    jsonb_typeof({{ column }})
{%- endmacro %}

{% macro duckdb__json_type(column) -%}
    case json_type({{ column }})
        when 'OBJECT' then 'object'
        when 'ARRAY' then 'array'
        when 'VARCHAR' then 'string'
        when 'BOOLEAN' then 'boolean'
        when 'NULL' then 'null'
        else 'number'
    end
{%- endmacro %}
