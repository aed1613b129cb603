{#
    Tests on the history tables and raw-backed views (millions of rows) check only recent
    rows on an incremental build, so the hourly `dbt build` does not grow with history; older
    rows were tested when they were new (and the marts' primary keys protect them). A test
    opts in with `config: {where: "__recent__:<column>"}`: rows whose <column> is within
    var('test_recent_days') days of the latest API capture (see recent_captures_cutoff: the
    same clock every model's times come from, as a literal so the read uses an index).
    `--full-refresh` tests every row. Any other `where` behaves as in dbt.
#}
{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where and where.startswith('__recent__:') -%}
        {%- if flags.FULL_REFRESH -%}
            {%- do return(relation) -%}
        {%- endif -%}
        {%- set column = where.split(':', 1)[1] | trim -%}
        {%- set filtered -%}
            (
                select * from {{ relation }}
                where {{ column }} >= {{ recent_captures_cutoff() }}
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
