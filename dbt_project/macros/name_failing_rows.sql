{#- Raise (a failure) or log (a warning) with the first rows `main_sql` returns. -#}
{% macro name_failing_rows(main_sql, result, shown=5) -%}
    {%- set outcome = result.rows[0] -%}
    {%- set failing = outcome['should_error'] and config.get('severity') | upper == 'ERROR' -%}
    {%- if not (failing or outcome['should_warn']) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set rows = run_query('select * from (' ~ main_sql ~ ') as failing_rows limit ' ~ shown) -%}
    {#- dbt's unique and relationships tests call the column they test unique_field and
        from_field: name it -#}
    {%- set tested = ((model.test_metadata or {}).kwargs or {}).get('column_name') -%}
    {%- set described = [] -%}
    {%- for row in rows.rows -%}
        {%- set values = [] -%}
        {%- for name in rows.column_names -%}
            {%- set text = row[name] | string -%}
            {%- set label = tested if tested and name in ('unique_field', 'from_field') else name -%}
            {%- do values.append(label ~ '=' ~ (text if text | length <= 60 else text[:57] ~ '...')) -%}
        {%- endfor -%}
        {%- do described.append('(' ~ values | join(', ') ~ ')') -%}
    {%- endfor -%}
    {%- set message = model.name ~ ': ' ~ outcome['failures'] ~ ' failing row(s) (fail_calc '
        ~ config.get('fail_calc') ~ '); the first: ' ~ described | join('; ')
        ~ ". All of them: the test's SQL in " ~ model.get('compiled_path', 'target/compiled') -%}
    {%- if failing -%}
        {%- do exceptions.raise_compiler_error(message) -%}
    {%- endif -%}
    {%- do log('Warning: ' ~ message, info=True) -%}
{%- endmacro %}
