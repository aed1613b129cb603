{#
    grain: one row per video observed so far (video_id): every video the API returned
    (videos.list for the tracked channels, mostPopular charts for the rest,
    videos.batchGetStats for statistics refreshes), asked for but omitted by videos.list or
    videos.batchGetStats, or
    shown as a placeholder in a playlist. Counts are from the latest capture that returned
    the video, attributes (title, channel, ...) from the latest that carries them (not
    batchGetStats); captures as int_video_captures_unioned lists them (its first copy when
    an id repeats on a page; videos.list, then the charts, then batchGetStats at the same
    time); `is_available` is from the
    latest observation of any kind, evidence of unavailability winning at equal times; the
    title falls back to the last known one, then to a placeholder's "Deleted video" /
    "Private video".
    Incremental: merges what was observed since the last build into the previous state (a
    video seen again keeps its first capture; one not returned since keeps its last known
    attributes and counts).
#}
{{
    config(
        materialized='incremental',
        unique_key='video_id',
        incremental_strategy='delete+insert',
        pre_hook="{{ avoid_nested_loops() }}",
    )
}}
{%- set incremental = is_incremental() %}
{%- set cutoff = incremental_cutoff('last_observed_at') %}
{%- set metadata = [
    'channel_id', 'channel_title', 'title', 'category_id', 'published_at',
    'duration_iso8601', 'duration_seconds', 'privacy_status',
] %}
{%- set statistics = [
    'view_count', 'like_count', 'comment_count', 'is_like_count_hidden',
    'is_comment_count_hidden',
] %}
{%- set attributes = metadata + statistics %}

with

video_items as (
    -- what videos.list and videos.batchGetStats returned, to tell the ids they omitted
    select
        'videos' as answering_resource,
        video_id,
        run_id,
        request_key
    from {{ ref('stg_youtube__videos') }}
    where
        not is_rejected
        and captured_at > {{ cutoff }}

    union all

    select
        'video_batch_stats' as answering_resource,
        video_id,
        run_id,
        request_key
    from {{ ref('stg_youtube__video_batch_stats') }}
    where
        not is_rejected
        and captured_at > {{ cutoff }}
),

video_requests as (
    select * from {{ ref('int_video_requests_unnested') }}
    where captured_at > {{ cutoff }}
),

playlist_items as (
    select * from {{ ref('stg_youtube__playlist_items') }}
    where
        not is_rejected
        and video_id is not null
        and captured_at > {{ cutoff }}
),

returned as (
    -- every capture that returned the video: videos.list, the charts, videos.batchGetStats
    select
        video_id,
        captured_at,
        source_priority,
        item_index,
        has_metadata,
        {{ attributes | join(',\n        ') }}
    from {{ ref('int_video_captures_unioned') }}
    where captured_at > {{ cutoff }}
),

latest_returned as (
    select
        *,
        min(captured_at) over (partition by video_id) as first_captured_at,
        max(captured_at) over (partition by video_id) as last_captured_at,
        -- the counts: the latest capture of any kind
        row_number() over (
            partition by video_id
            -- an id repeated on a page: its first copy
            order by captured_at desc, source_priority asc, item_index asc
        ) as capture_recency,
        -- the metadata: the latest capture that carries it (not batchGetStats)
        row_number() over (
            partition by video_id
            order by
                case when has_metadata then 0 else 1 end asc,
                captured_at desc, source_priority asc, item_index asc
        ) as metadata_recency
    from returned
),

omitted as (
    -- asked for by id, not returned: deleted, made private, or never existed
    select
        video_requests.video_id,
        video_requests.captured_at
    from video_requests
    left join video_items
        on
            video_requests.run_id = video_items.run_id
            and video_requests.resource = video_items.answering_resource
            and video_requests.request_key = video_items.request_key
            and video_requests.video_id = video_items.video_id
    where video_items.video_id is null
),

placeholders as (
    select
        video_id,
        captured_at,
        title
    from playlist_items
    where is_placeholder
),

observations as (
    select
        video_id,
        captured_at,
        true as is_available
    from returned

    union all

    select
        video_id,
        captured_at,
        false as is_available
    from omitted

    union all

    select
        video_id,
        captured_at,
        false as is_available
    from placeholders
),

latest_observation as (
    select
        *,
        -- at equal times, evidence of unavailability wins
        row_number() over (
            partition by video_id
            order by captured_at desc, case when is_available then 1 else 0 end asc
        ) as observation_recency
    from observations
),

placeholder_titles as (
    select
        video_id,
        max(title) as title
    from placeholders
    group by video_id
),

observed as (
    select
        latest_observation.video_id,
        latest_observation.is_available,
        latest_observation.captured_at as last_observed_at,
        latest_returned.first_captured_at,
        latest_returned.last_captured_at,
        case when latest_metadata.has_metadata then latest_metadata.captured_at end
            as last_metadata_captured_at,
        placeholder_titles.title as placeholder_title,
        {% for column in metadata -%}
            latest_metadata.{{ column }},
        {% endfor -%}
        {% for column in statistics -%}
            latest_returned.{{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from latest_observation
    left join latest_returned
        on
            latest_observation.video_id = latest_returned.video_id
            and latest_returned.capture_recency = 1
    left join latest_returned as latest_metadata
        on
            latest_observation.video_id = latest_metadata.video_id
            and latest_metadata.metadata_recency = 1
    left join placeholder_titles
        on latest_observation.video_id = placeholder_titles.video_id
    where latest_observation.observation_recency = 1
),

merged as (
    {% if incremental %}
        -- a video seen again keeps its first capture; one not returned since keeps its
        -- last known attributes and counts
        select
            observed.video_id,
            observed.is_available,
            observed.last_observed_at,
            coalesce(previous.first_captured_at, observed.first_captured_at)
                as first_captured_at,
            coalesce(observed.last_captured_at, previous.last_captured_at) as last_captured_at,
            {% for column in metadata -%}
                case
                    when observed.last_metadata_captured_at is not null then observed.{{ column }}
                    else previous.{{ column }}
                end as {{ column }},
            {% endfor -%}
            {% for column in statistics -%}
                case
                    when observed.last_captured_at is not null then observed.{{ column }}
                    else previous.{{ column }}
                end as {{ column }},
            {% endfor %}
            coalesce(previous.title, observed.placeholder_title) as fallback_title
        from observed
        left join {{ this }} as previous
            on observed.video_id = previous.video_id
    {% else %}
        select
            video_id,
            is_available,
            last_observed_at,
            first_captured_at,
            last_captured_at,
            {% for column in attributes -%}
                {{ column }},
            {% endfor %}
            placeholder_title as fallback_title
        from observed
    {% endif %}
),

final as (
    select
        video_id,
        is_available,
        last_observed_at,
        first_captured_at,
        last_captured_at,
        channel_id,
        channel_title,
        coalesce(title, fallback_title) as title,
        category_id,
        published_at,
        duration_iso8601,
        duration_seconds,
        privacy_status,
        view_count,
        like_count,
        comment_count,
        is_like_count_hidden,
        is_comment_count_hidden
    from merged
)

select * from final
