{# grain: one row per video per capture (video_id, captured_at) #}
with

videos as (
    select * from {{ ref('stg_youtube__videos') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by video_id, captured_at
            order by run_id desc
        ) as row_in_capture
    from videos
    where video_id is not null
),

final as (
    select
        video_id,
        captured_at,
        run_id,
        channel_id,
        title,
        description,
        category_id,
        published_at,
        duration_iso8601,
        privacy_status,
        view_count,
        like_count,
        comment_count,
        is_like_count_hidden,
        is_comment_count_hidden
    from ranked
    where row_in_capture = 1
)

select * from final
