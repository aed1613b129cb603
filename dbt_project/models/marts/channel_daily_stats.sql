{#
    grain: one row per channel per UTC day with a capture: end-of-day subscriber, view and
    video counts, the day's gains since the previous observed day, and 7- and 30-day rolling
    gains (the sum of the known daily gains in the window ending that day). The first observed
    day has NULL gains, never lifetime totals; so does a day whose previous observation is
    more than 30 days older. A hidden subscriber count gives NULL subscriber gains.
#}
with

channel_days as (
    select * from {{ ref('int_channel_days_rolled_up') }}
),

with_previous as (
    select
        *,
        lag(stats_date) over (partition by channel_id order by stats_date) as previous_stats_date,
        {{ dbt.datediff(
            'lag(stats_date) over (partition by channel_id order by stats_date)', 'stats_date', 'day'
        ) }} as days_since_previous,
        lag(subscriber_count) over (partition by channel_id order by stats_date)
            as previous_subscriber_count,
        lag(view_count) over (partition by channel_id order by stats_date) as previous_view_count,
        lag(video_count) over (partition by channel_id order by stats_date)
            as previous_video_count
    from channel_days
),

daily as (
    select
        channel_id,
        stats_date,
        subscriber_count,
        view_count,
        video_count,
        case
            when days_since_previous <= 30
                then previous_stats_date
        end as previous_stats_date,
        case
            when days_since_previous <= 30
                then subscriber_count - previous_subscriber_count
        end as subscribers_gained,
        case
            when days_since_previous <= 30
                then view_count - previous_view_count
        end as views_gained,
        case
            when days_since_previous <= 30
                then video_count - previous_video_count
        end as videos_added,
        last_captured_at
    from with_previous
),

rolling as (
    select
        daily.channel_id,
        daily.stats_date,
        {% for days in [7, 30] %}
            {% for gain in ['subscribers_gained', 'views_gained', 'videos_added'] %}
                cast(sum(
                    case
                        when window_day.stats_date > {{ dbt.dateadd('day', -days, 'daily.stats_date') }}
                            then window_day.{{ gain }}
                    end
                ) as bigint) as {{ gain }}_{{ days }}d{% if not loop.last %},{% endif %}
            {% endfor %}{% if not loop.last %},{% endif %}
        {% endfor %}
    from daily
    inner join daily as window_day
        on
            daily.channel_id = window_day.channel_id
            and daily.stats_date >= window_day.stats_date
            and {{ dbt.dateadd('day', -30, 'daily.stats_date') }} < window_day.stats_date
    group by daily.channel_id, daily.stats_date
),

final as (
    select
        daily.channel_id,
        daily.stats_date,
        daily.subscriber_count,
        daily.view_count,
        daily.video_count,
        daily.previous_stats_date,
        daily.subscribers_gained,
        daily.views_gained,
        daily.videos_added,
        rolling.subscribers_gained_7d,
        rolling.views_gained_7d,
        rolling.videos_added_7d,
        rolling.subscribers_gained_30d,
        rolling.views_gained_30d,
        rolling.videos_added_30d,
        daily.last_captured_at
    from daily
    inner join rolling
        on
            daily.channel_id = rolling.channel_id
            and daily.stats_date = rolling.stats_date
)

select * from final
