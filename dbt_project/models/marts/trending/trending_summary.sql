{#
    grain: one row per video per region that has charted there: first and last capture on
    any of the region's charts, captures on the chart (the extract runs it appeared in), best
    rank (any category chart of the region) and the latest title and channel.
    Incremental: folds into each row's previous totals the captures newer than that row's
    own last_seen_at (counts add up, first sightings are kept), reading only the chart
    entries of the last hours (the lookback), so it does not re-read the history. Folding
    per row what its totals do not hold yet makes the fold idempotent: a build that repeats
    another, or overlaps it, cannot count a capture twice.
#}
{{
    config(
        materialized='incremental',
        unique_key=['video_id', 'region_code'],
        incremental_strategy='delete+insert',
    )
}}
{%- set incremental = is_incremental() %}
{%- set cutoff = incremental_cutoff('last_seen_at') %}
{%- if execute and incremental %}
    {#- the totals are folded into the stored ones: a table without them needs a full build -#}
    {%- do require_column('captures_on_chart') %}
{%- endif %}

with

trending_videos as (
    select * from {{ ref('trending_videos') }}
    where captured_at > {{ cutoff }}
),

new_entries as (
    select trending_videos.*
    from trending_videos
    {% if incremental %}
        left join {{ this }} as previous
            on
                trending_videos.video_id = previous.video_id
                and trending_videos.region_code = previous.region_code
        -- what the stored totals already hold is not folded again
        where
            previous.last_seen_at is null
            or trending_videos.captured_at > previous.last_seen_at
    {% endif %}
),

latest_entry as (
    select
        *,
        row_number() over (
            partition by video_id, region_code
            order by captured_at desc, chart_rank asc
        ) as entry_recency
    from new_entries
),

new_totals as (
    select
        video_id,
        region_code,
        min(captured_at) as first_seen_at,
        max(captured_at) as last_seen_at,
        -- one capture per run: the region's charts of one run count once
        count(distinct run_id) as captures_on_chart,
        min(chart_rank) as best_rank
    from new_entries
    group by video_id, region_code
),

combined as (
    select
        new_totals.video_id,
        new_totals.region_code,
        {% if incremental %}
            coalesce(previous.first_seen_at, new_totals.first_seen_at) as first_seen_at,
            new_totals.last_seen_at,
            coalesce(previous.captures_on_chart, 0) + new_totals.captures_on_chart as captures_on_chart,
            case
                when previous.best_rank < new_totals.best_rank then previous.best_rank
                else new_totals.best_rank
            end as best_rank,
        {% else %}
            new_totals.first_seen_at,
            new_totals.last_seen_at,
            new_totals.captures_on_chart,
            new_totals.best_rank,
        {% endif %}
        latest_entry.title,
        latest_entry.channel_id,
        latest_entry.channel_title
    from new_totals
    inner join latest_entry
        on
            new_totals.video_id = latest_entry.video_id
            and new_totals.region_code = latest_entry.region_code
            and latest_entry.entry_recency = 1
    {% if incremental %}
        left join {{ this }} as previous
            on
                new_totals.video_id = previous.video_id
                and new_totals.region_code = previous.region_code
    {% endif %}
),

final as (
    select
        video_id,
        region_code,
        title,
        channel_id,
        channel_title,
        first_seen_at,
        last_seen_at,
        captures_on_chart,
        best_rank
    from combined
)

select * from final
