{#
    Incremental strategy `append_new` (config: incremental_strategy='append_new' and a
    `unique_key`), for the append-only history marts: insert the new rows whose key is not
    stored yet, and skip the others (`on conflict (<unique_key>) do nothing`). The model
    declares the key as its primary key (the contract creates it with the table), so the
    database itself refuses a second row for a key: two builds that run at the same time, or
    the same build run twice, cannot store a capture twice; the second insert waits for the
    first to commit, then skips what it stored. Never updates nor deletes a stored row.
#}
{% macro get_incremental_append_new_sql(arg_dict) -%}
    {%- set unique_key = arg_dict['unique_key'] -%}
    {%- if not unique_key -%}
        {%- do exceptions.raise_compiler_error(
            model.name ~ ': incremental_strategy append_new needs a unique_key (the columns '
            ~ 'of the primary key the insert skips on)'
        ) -%}
    {%- endif -%}
    {%- set unique_key = [unique_key] if unique_key is string else unique_key -%}
    {%- do require_unique_key(arg_dict['target_relation'], unique_key) -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }}
    from {{ arg_dict['temp_relation'] }}
    on conflict ({{ unique_key | join(', ') }}) do nothing
{%- endmacro %}
