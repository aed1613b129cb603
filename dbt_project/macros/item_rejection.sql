{#- Why the row is left out of the marts, or NULL (`key`: the id column, `name`: its JSON). -#}
{% macro item_rejection(key, name) -%}
    case
        when type_of_item_without_id <> 'object'
            then 'the item is a JSON ' || type_of_item_without_id || ', not an object'
        when {{ key }} is null or {{ key }} = ''
            then 'the item has no {{ name }}'
        when captured_at > {{ capture_horizon() }}
            then {{ capture_too_late() }}
    end
{%- endmacro %}
