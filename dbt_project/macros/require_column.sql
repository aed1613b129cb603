{#
    An incremental model's existing table must have the column its next read starts from;
    a table built by an older version of the project may not: say what to do.
#}
{% macro require_column(column) -%}
    {%- set names = adapter.get_columns_in_relation(this) | map(attribute='name') | list -%}
    {%- if column not in names -%}
        {%- do exceptions.raise_compiler_error(
            this ~ ' was built by an older version of tubewarehouse (it has no column `'
            ~ column ~ '`). Rebuild the marts from the raw history once: '
            ~ '`ytw dbt -- build --full-refresh` (the raw tables are kept).'
        ) -%}
    {%- endif -%}
{%- endmacro %}
