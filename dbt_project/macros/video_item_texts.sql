{#
    What every video item carries the same way, from videos.list, the charts and
    videos.batchGetStats, in two
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
