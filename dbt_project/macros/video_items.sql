{#
    Seconds in an ISO-8601 duration as YouTube writes it (`PT4M13S`, `PT1H2M3S`, `P1DT2H`,
    `PT0S` for live streams). NULL when the text is absent or not a duration. Regular
    expressions have no cross-database dbt macro, so this dispatches per adapter.
#}
{% macro iso8601_duration_seconds(column) -%}
    {{ return(adapter.dispatch('iso8601_duration_seconds', 'tubewarehouse')(column)) }}
{%- endmacro %}

{% macro default__iso8601_duration_seconds(column) -%}
    case
        when {{ column }} ~ '^P(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$' and {{ column }} <> 'P'
            then
                coalesce(cast(substring({{ column }} from '(\d+)D') as bigint), 0) * 86400
                + coalesce(cast(substring({{ column }} from 'T.*?(\d+)H') as bigint), 0) * 3600
                + coalesce(cast(substring({{ column }} from 'T.*?(\d+)M') as bigint), 0) * 60
                + coalesce(cast(substring({{ column }} from 'T.*?(\d+)S') as bigint), 0)
    end
{%- endmacro %}

{% macro duckdb__iso8601_duration_seconds(column) -%}
    case
        when regexp_full_match({{ column }}, 'P(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?') and {{ column }} <> 'P'
            then
                coalesce(cast(nullif(regexp_extract({{ column }}, '(\d+)D', 1), '') as bigint), 0) * 86400
                + coalesce(cast(nullif(regexp_extract({{ column }}, 'T.*?(\d+)H', 1), '') as bigint), 0) * 3600
                + coalesce(cast(nullif(regexp_extract({{ column }}, 'T.*?(\d+)M', 1), '') as bigint), 0) * 60
                + coalesce(cast(nullif(regexp_extract({{ column }}, 'T.*?(\d+)S', 1), '') as bigint), 0)
    end
{%- endmacro %}

{#
    A count from the API (a uint64 JSON string) as bigint; NULL when absent or not a
    non-negative integer, so one malformed value is flagged instead of failing the build.
#}
{% macro count_to_bigint(text_expression) -%}
    {{ return(adapter.dispatch('count_to_bigint', 'tubewarehouse')(text_expression)) }}
{%- endmacro %}

{% macro default__count_to_bigint(text_expression) -%}
    case
        when {{ text_expression }} ~ '^[0-9]{1,18}$' then cast({{ text_expression }} as bigint)
    end
{%- endmacro %}

{% macro duckdb__count_to_bigint(text_expression) -%}
    case
        when regexp_full_match({{ text_expression }}, '[0-9]{1,18}') then cast({{ text_expression }} as bigint)
    end
{%- endmacro %}

{#
    What every video item carries the same way, from videos.list and from the charts, in two
    steps: video_item_texts (the JSON values as text, in the CTE that reads the raw item),
    then video_item_statistics_columns (parsed, in the next CTE): duration, counts (absent =
    NULL, never 0) and the flags that say why a count is NULL; video_item_problems lists
    what could not be read.
#}
{% macro video_item_texts(item) -%}
    {{ json_text(item, ['contentDetails', 'duration']) }} as duration_iso8601,
    {{ json_text(item, ['status', 'privacyStatus']) }} as privacy_status,
    {{ json_text(item, ['statistics', 'viewCount']) }} as view_count_text,
    {{ json_text(item, ['statistics', 'likeCount']) }} as like_count_text,
    {{ json_text(item, ['statistics', 'commentCount']) }} as comment_count_text,
    {{ json_has_key(item, [], 'statistics') }} as has_statistics,
    {{ json_has_key(item, ['statistics'], 'likeCount') }} as has_like_count,
    {{ json_has_key(item, ['statistics'], 'commentCount') }} as has_comment_count
{%- endmacro %}

{% macro video_item_statistics_columns() -%}
    {{ iso8601_duration_seconds('duration_iso8601') }} as duration_seconds,
    -- counts are uint64 strings; an absent key (hidden likes, disabled comments) stays NULL
    {{ count_to_bigint('view_count_text') }} as view_count,
    {{ count_to_bigint('like_count_text') }} as like_count,
    {{ count_to_bigint('comment_count_text') }} as comment_count,
    -- without the statistics part nothing is known about hiding: NULL, not true
    case
        when has_statistics then not has_like_count
    end as is_like_count_hidden,
    case
        when has_statistics then not has_comment_count
    end as is_comment_count_hidden,
    not has_statistics as is_statistics_missing
{%- endmacro %}

{#- What video_item_statistics_columns could not read (a list for the problems macro). -#}
{% macro video_item_problems() -%}
    {%- set found = [
        value_problem('duration_iso8601', 'duration_seconds', 'contentDetails.duration',
            'an ISO-8601 duration'),
    ] -%}
    {%- for key, column in [('viewCount', 'view_count'), ('likeCount', 'like_count'),
        ('commentCount', 'comment_count')] -%}
        {%- do found.append(value_problem(column ~ '_text', column, 'statistics.' ~ key, 'a count')) -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}
