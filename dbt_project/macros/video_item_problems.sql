{#- What video_item_statistics_columns could not read (a list for the problems macro). -#}
{% macro video_item_problems() -%}
    {%- set found = [
        value_problem('duration_iso8601', 'duration_seconds', 'contentDetails.duration',
            'a duration'),
    ] -%}
    {%- for key, column in [('viewCount', 'view_count'), ('likeCount', 'like_count'),
        ('commentCount', 'comment_count')] -%}
        {%- do found.append(value_problem(column ~ '_text', column, 'statistics.' ~ key, 'a count')) -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}
