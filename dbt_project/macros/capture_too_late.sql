{#- The problem of a row captured after capture_horizon(), as a SQL string literal. -#}
{% macro capture_too_late() -%}
    'captured_at is more than {{ var("max_capture_ahead_minutes", 60) }} minutes after the build''s clock (a Date header that cannot be true)'
{%- endmacro %}
