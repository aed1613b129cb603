{#
    grain: one row per channel per UTC day with a capture: end-of-day subscriber, view and
    video counts, the day's gains since the previous observed day, and 7- and 30-day rolling
    gains (the sum of the known daily gains in the window ending that day). The first observed
    day has NULL gains, never lifetime totals; so does a day whose previous observation is
    more than var('max_gain_gap_days') (30) days older. A hidden subscriber count gives NULL subscriber gains.
#}
with

channel_days as (
    select * from {{ ref('int_channel_days_rolled_up') }}
),

daily as (
    select
        channel_id,
        stats_date,
        subscriber_count,
        view_count,
        video_count,
        {{ day_over_day_gains('channel_id', [
            ('subscriber_count', 'subscribers_gained'),
            ('view_count', 'views_gained'),
            ('video_count', 'videos_added'),
        ]) }},
        last_captured_at
    from channel_days
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
