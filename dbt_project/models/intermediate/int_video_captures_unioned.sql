{#
    grain: one row per video item returned by a capture (video_id, run_id, request_key,
    page_token, item_index): videos.list (by id), the mostPopular charts and
    videos.batchGetStats, rows staging rejects left out. The one place that says which
    captures carry a video's statistics and which its metadata: video_stats (the history)
    and int_videos_observed (the latest state) both read this.
    `source_priority` orders captures at the same instant: videos.list (1), then the charts
    (2), then videos.batchGetStats (3). batchGetStats carries counts, publish time and
    duration only: its metadata columns are NULL and `has_metadata` is false.
#}
{%- set metadata = [
    ('channel_id', 'text'), ('channel_title', 'text'), ('title', 'text'),
    ('category_id', 'text'), ('published_at', 'timestamp with time zone'),
    ('duration_iso8601', 'text'), ('duration_seconds', 'bigint'), ('privacy_status', 'text'),
] %}
{%- set statistics = [
    'view_count', 'like_count', 'comment_count', 'is_like_count_hidden',
    'is_comment_count_hidden', 'is_statistics_missing',
] %}
{%- set sources = [
    ('stg_youtube__videos', 1, 'videos.list', true),
    ('stg_youtube__most_popular_videos', 2, 'videos.list(chart=mostPopular)', true),
    ('stg_youtube__video_batch_stats', 3, 'videos.batchGetStats', false),
] %}

with

{% for model, priority, method, has_metadata in sources %}
    {{ model | replace('stg_youtube__', '') }} as (
        select
            video_id,
            run_id,
            request_key,
            page_token,
            item_index,
            captured_at,
            {{ priority }} as source_priority,
            '{{ method }}' as capture_method,
            {{ has_metadata }} as has_metadata,
            {% for column, type in metadata -%}
                {% if has_metadata -%}
                    {{ column }},
                {% else -%}
                    cast(null as {{ type }}) as {{ column }},
                {% endif -%}
            {% endfor -%}
            {{ statistics | join(',\n            ') }}
        from {{ ref(model) }}
        where not is_rejected
    ),

{% endfor %}
unioned as (
    {% for model, priority, method, has_metadata in sources %}
        select * from {{ model | replace('stg_youtube__', '') }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from unioned
