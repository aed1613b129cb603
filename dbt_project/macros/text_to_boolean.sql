{#
    A JSON boolean from the API (`hiddenSubscriberCount`, `assignable`) as boolean; NULL when
    absent or anything but true/false (a cast would fail the build on "yes", and accept
    "1", "on" or "t" as true).
#}
{% macro text_to_boolean(text_expression) -%}
    case {{ text_expression }}
        when 'true' then true
        when 'false' then false
    end
{%- endmacro %}
