{#
    grain: one row per video (video_id): every video the API returned (videos.list for the
    tracked channels, mostPopular charts for the rest), plus deleted or private videos known
    only as placeholders in playlists. The latest state of each video comes from
    int_videos_observed; this adds its category's name, whether its channel is tracked, the
    ratios (engagement, views per day), the views gained over the last 7 and 30 days of
    history (int_video_gains_summed), the regions where it has charted (trending_summary),
    the recent view rate (between its last two captures in video_stats) and its freshness:
    hours since its last capture, measured against the newest capture in the warehouse (not
    the build's clock, so a build is deterministic), and why and when the refresh planner
    (stg_youtube__refresh_plan) next refreshes it.
#}
with

videos_observed as (
    select * from {{ ref('int_videos_observed') }}
),

video_gains as (
    select * from {{ ref('int_video_gains_summed') }}
),

recent_captures as (
    -- the history's captures within max_gain_gap_days of its newest (a range read)
    select
        video_id,
        captured_at,
        view_count,
        row_number() over (partition by video_id order by captured_at desc) as capture_recency
    from {{ ref('video_stats') }}
    where
        captured_at >= (
            select {{ dbt.dateadd('day', -var('max_gain_gap_days', 30), 'max(newest.captured_at)') }}
            from {{ ref('video_stats') }} as newest
        )
),

refresh_plan as (
    select * from {{ ref('stg_youtube__refresh_plan') }}
    where is_chosen
),

trending_summary as (
    select * from {{ ref('trending_summary') }}
),

channels as (
    select * from {{ ref('stg_youtube__channels') }}
    where not is_rejected
),

video_categories as (
    select * from {{ ref('stg_youtube__video_categories') }}
    where not is_rejected
),

with_age as (
    select
        *,
        {{ dbt.datediff('published_at', 'last_captured_at', 'second') }}
            as seconds_since_publish,
        -- the newest capture of any video: freshness is measured against it, not the clock
        max(last_captured_at) over () as newest_captured_at
    from videos_observed
),

recent_rates as (
    -- views per hour between the last two captures in the history, from the real time
    -- between them (whatever the cadence: an hour, a day, several days)
    select
        last_capture.video_id,
        cast(
            (last_capture.view_count - previous_capture.view_count) * 3600.0
            / {{ dbt.datediff('previous_capture.captured_at', 'last_capture.captured_at', 'second') }}
            as numeric(20, 2)
        ) as views_per_hour_recent
    from recent_captures as last_capture
    inner join recent_captures as previous_capture
        on
            last_capture.video_id = previous_capture.video_id
            and previous_capture.capture_recency = 2
    where last_capture.capture_recency = 1
),

latest_refresh as (
    select
        video_id,
        refresh_reason,
        next_due_at,
        row_number() over (partition by video_id order by planned_at desc, run_id desc) as plan_recency
    from refresh_plan
),

tracked_channels as (
    select distinct channel_id
    from channels
    where channel_id is not null
),

trending_regions as (
    select
        video_id,
        count(distinct region_code) as count_trending_regions
    from trending_summary
    group by video_id
),

category_names as (
    -- category titles per region are nearly always identical: prefer US, then any region
    select
        category_id,
        title,
        row_number() over (
            partition by category_id
            order by case when region_code = 'US' then 0 else 1 end asc, captured_at desc, region_code asc
        ) as name_preference
    from video_categories
),

final as (
    select
        with_age.video_id,
        with_age.channel_id,
        with_age.channel_title,
        with_age.title,
        with_age.category_id,
        category_names.title as category_name,
        with_age.published_at,
        with_age.duration_iso8601,
        with_age.duration_seconds,
        case
            when with_age.duration_seconds is not null
                then with_age.duration_seconds > 0 and with_age.duration_seconds <= 180
        end as is_short,
        with_age.privacy_status,
        with_age.is_available,
        (tracked_channels.channel_id is not null) as is_tracked_channel,
        with_age.view_count,
        with_age.like_count,
        with_age.comment_count,
        with_age.is_like_count_hidden,
        with_age.is_comment_count_hidden,
        -- hidden likes make engagement unknown; disabled comments mean no comments
        cast(
            case
                when with_age.view_count > 0 and with_age.like_count is not null
                    then
                        cast(with_age.like_count + coalesce(with_age.comment_count, 0) as numeric)
                        / with_age.view_count
            end
            as numeric(12, 6)
        ) as engagement_rate,
        -- at least one day, so a video a few hours old is not extrapolated; an unknown
        -- publish time leaves it unknown
        cast(
            with_age.view_count / (
                case
                    when with_age.seconds_since_publish is null then null
                    when with_age.seconds_since_publish > 86400
                        then with_age.seconds_since_publish / 86400.0
                    else 1.0
                end
            )
            as numeric(20, 2)
        ) as views_per_day,
        video_gains.views_gained_7d,
        video_gains.views_gained_30d,
        coalesce(trending_regions.count_trending_regions, 0) as count_trending_regions,
        recent_rates.views_per_hour_recent,
        with_age.first_captured_at,
        with_age.last_captured_at,
        with_age.last_observed_at,
        cast(
            {{ dbt.datediff('with_age.last_captured_at', 'with_age.newest_captured_at', 'second') }}
            / 3600.0
            as numeric(12, 2)
        ) as hours_since_capture,
        latest_refresh.refresh_reason,
        latest_refresh.next_due_at as next_refresh_due_at
    from with_age
    left join tracked_channels
        on with_age.channel_id = tracked_channels.channel_id
    left join category_names
        on
            with_age.category_id = category_names.category_id
            and category_names.name_preference = 1
    left join video_gains
        on with_age.video_id = video_gains.video_id
    left join trending_regions
        on with_age.video_id = trending_regions.video_id
    left join recent_rates
        on with_age.video_id = recent_rates.video_id
    left join latest_refresh
        on
            with_age.video_id = latest_refresh.video_id
            and latest_refresh.plan_recency = 1
)

select * from final
