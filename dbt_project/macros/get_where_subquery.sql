{#
    Tests on the history tables and raw-backed views (millions of rows) check only recent
    rows on an incremental build, so the hourly `dbt build` does not grow with history; older
    rows were tested when they were new (and the marts' primary keys protect them). A test
    opts in with `config: {where: "__recent__:<column>"}`: rows whose <column> is within
    var('test_recent_days') days of the latest API capture (see recent_captures_cutoff: the
    same clock every model's times come from, as a literal so the read uses an index).
    `--full-refresh` tests every row. `__new__:<column>` is narrower: the captures of the
    last var('incremental_lookback_hours') hours, what the incremental models just read;
    for the staging views over raw tables, whose rows never change once landed (and whose
    checks parse every JSON item they read). Either can be followed by `and <condition>`,
    applied on every build (e.g. `not is_rejected`: the rows staging keeps for the marts).
    Any other `where` behaves as in dbt.
#}
{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where and (where.startswith('__recent__:') or where.startswith('__new__:')) -%}
        {%- set hours = var('incremental_lookback_hours', 3) if where.startswith('__new__:')
            else none -%}
        {%- set rest = where.split(':', 1)[1] | trim -%}
        {%- set column = rest.split(' ', 1)[0] -%}
        {%- set condition = rest[column | length:] | trim -%}
        {%- if condition and not condition.lower().startswith('and ') -%}
            {%- do exceptions.raise_compiler_error(
                'where: "' ~ where ~ '": expected `__recent__:<column>` or '
                ~ '`__recent__:<column> and <condition>` (or __new__)'
            ) -%}
        {%- endif -%}
        {%- set condition = condition[4:] | trim -%}
        {%- if flags.FULL_REFRESH and not condition -%}
            {%- do return(relation) -%}
        {%- endif -%}
        {%- set filtered -%}
            (
                select * from {{ relation }}
                where
                    {% if not flags.FULL_REFRESH -%}
                        {{ column }} >= {{ recent_captures_cutoff(hours) }}
                        {%- if condition %} and {% endif -%}
                    {%- endif %}
                    {{ condition }}
            ) as dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- elif where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) as dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
