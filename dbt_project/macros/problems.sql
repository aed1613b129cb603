{#- The non-NULL problems among `expressions`, '; '-separated; NULL when there is none. -#}
{% macro problems(expressions) -%}
    nullif(concat_ws('; ', {{ expressions | join(', ') }}), '')
{%- endmacro %}
