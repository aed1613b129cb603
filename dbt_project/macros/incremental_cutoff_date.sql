{#
    Like incremental_cutoff, for a date column: the newest `column` in the model (up to the
    capture horizon's date) minus `lookback_days`, as a date literal ('1900-01-01' when the
    model is empty).
#}
{% macro incremental_cutoff_date(column, lookback_days=0, month_start=false) -%}
    {%- set cutoff = none -%}
    {%- if execute and is_incremental() -%}
        {%- do require_column(column) -%}
        {%- set latest = scalar(
            'select max(' ~ column ~ ') from ' ~ this ~ ' where ' ~ column ~ ' <= cast('
            ~ capture_horizon() ~ ' as date)'
        ) -%}
        {%- if latest is not none -%}
            {%- set cutoff = latest - modules.datetime.timedelta(days=lookback_days) -%}
            {%- if month_start -%}
                {%- set cutoff = cutoff.replace(day=1) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    cast('{{ cutoff if cutoff is not none else "1900-01-01" }}' as date)
{%- endmacro %}
