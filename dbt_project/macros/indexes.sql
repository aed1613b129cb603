{#- A model's `indexes=` config from index() results, the ones that do not apply here dropped. -#}
{% macro indexes(specs) -%}
    {{ return(specs | reject('none') | list) }}
{%- endmacro %}
