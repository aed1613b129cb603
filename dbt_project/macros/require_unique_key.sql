{#
    The append_new insert's `on conflict` needs a unique index on the key. A table built
    without one gets it, unless it already holds rows that repeat a key (left by builds that
    overlapped); then the build fails saying how to rebuild it.
#}
{% macro require_unique_key(relation, unique_key) -%}
    {{ return(adapter.dispatch('require_unique_key', 'tubewarehouse')(relation, unique_key)) }}
{%- endmacro %}

{#- Tables on other adapters are created by this project with the key: nothing to add. -#}
{% macro default__require_unique_key(relation, unique_key) -%}
{%- endmacro %}

{% macro postgres__require_unique_key(relation, unique_key) -%}
    {%- set wanted = unique_key | map('lower') | sort | list -%}
    {%- set found = scalar(
        "select count(*) from pg_index as i"
        ~ " inner join pg_class as t on i.indrelid = t.oid"
        ~ " inner join pg_namespace as n on t.relnamespace = n.oid"
        ~ " where n.nspname = '" ~ relation.schema ~ "' and t.relname = '" ~ relation.identifier ~ "'"
        ~ " and i.indisunique and i.indpred is null and i.indexprs is null"
        ~ " and array(select a.attname::text from pg_attribute as a where a.attrelid = t.oid"
        ~ " and a.attnum = any(i.indkey) order by 1) = array['" ~ wanted | join("', '") ~ "']::text[]"
    ) -%}
    {%- if found | int > 0 -%}
        {{ return('') }}
    {%- endif -%}
    {%- set repeated = scalar(
        "select count(*) from (select 1 from " ~ relation ~ " group by " ~ unique_key | join(', ')
        ~ " having count(*) > 1) as repeated_keys"
    ) -%}
    {%- if repeated | int > 0 -%}
        {%- do exceptions.raise_compiler_error(
            relation ~ ' holds ' ~ repeated ~ ' key(s) stored more than once ('
            ~ unique_key | join(', ') ~ '), left by builds that ran at the same time before '
            ~ 'the key was enforced. Rebuild it and what is built from it once from the raw '
            ~ 'history: `ytw dbt -- build --full-refresh --select ' ~ model.name ~ '+` (the raw '
            ~ 'tables are kept).'
        ) -%}
    {%- endif -%}
    {%- do run_query(
        'create unique index if not exists ' ~ relation.identifier ~ '_key on ' ~ relation
        ~ ' (' ~ unique_key | join(', ') ~ ')'
    ) -%}
    {%- do log(relation ~ ': unique index on (' ~ unique_key | join(', ') ~ ') added', info=True) -%}
{%- endmacro %}
