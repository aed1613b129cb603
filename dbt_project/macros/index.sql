{#
    Index configs for a model's `indexes=` config, per adapter: `index(columns, type)` gives
    PostgreSQL its index (b-tree by default, or e.g. 'brin' for an append-only timestamp);
    other adapters get the plain index they can build (DuckDB has no index types) or none.
#}
{% macro index(columns, type=none) -%}
    {{ return(adapter.dispatch('index')(columns, type)) }}
{%- endmacro %}

{% macro default__index(columns, type) -%}
    {{ return({'columns': columns}) }}
{%- endmacro %}

{% macro postgres__index(columns, type) -%}
    {%- if type is none -%}
        {{ return({'columns': columns}) }}
    {%- endif -%}
    {{ return({'columns': columns, 'type': type}) }}
{%- endmacro %}

{#-
    A BRIN index only pays off on PostgreSQL (and DuckDB's zone maps do that job already).
    Expression indexes are PostgreSQL syntax (casts, `at time zone`), and DuckDB 2 refuses
    keys that depend on the session time zone: DuckDB gets plain column indexes only.
-#}
{% macro duckdb__index(columns, type) -%}
    {%- set expressions = [] -%}
    {%- for column in columns if '(' in column or ':' in column -%}
        {%- do expressions.append(column) -%}
    {%- endfor -%}
    {%- if type == 'brin' or expressions -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return({'columns': columns}) }}
{%- endmacro %}
