{#-
    The latest believable capture time: the build's clock plus var('max_capture_ahead_minutes')
    (an hour: the extractor already refuses Date headers 15 minutes ahead of its own clock, and
    the database's clock may differ a little from the extractor's).
-#}
{% macro capture_horizon() -%}
    {{ dbt.dateadd('minute', var('max_capture_ahead_minutes', 60), dbt.current_timestamp()) }}
{%- endmacro %}
