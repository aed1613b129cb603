{% macro video_item_statistics_columns() -%}
    {{ duration_seconds('duration_iso8601') }} as duration_seconds,
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
