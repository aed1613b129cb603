"""Every report page, built from a warehouse filled by the emulator and rendered in headless
Chromium: it loads with no console error and no request leaving 127.0.0.1, no title turns
into markup, and the numbers it shows are the marts' (checked against SQL on the warehouse).

One site is built for the whole session (``built_site``, about a minute); each page's
screenshot is kept in ``tests/artifacts/reports/``. Needs Debian's ``chromium`` (``make
test`` installs it).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

import pytest

from extract.database import ConnectionInfo
from flows import reports, site_server
from tests.browser import Tab
from tests.conftest import execute
from tests.reports.conftest import ARTIFACTS, RENDERED, Marts
from tests.reports.rendered import RenderedPage, change, compact, day, gain, month_label, open_page
from tests.reports.warehouse import HOSTILE_TITLE, HUGE_VIEWS, FilledWarehouse, empty_marts

pytestmark = pytest.mark.slow

T = TypeVar("T")


@pytest.fixture(scope="module")
def visit(tab: Tab, site_url: str) -> Callable[[str], RenderedPage]:
    def go(path: str) -> RenderedPage:
        page = open_page(tab, site_url, path, ARTIFACTS, ready=RENDERED)
        # The hostile title's script and onerror handler would set window.__xss.
        assert page.eval("window.__xss") is None, path
        assert page.eval("document.querySelectorAll('img[src=\"x\"]').length") == 0, path
        return page

    return go


def eventually(read: Callable[[], T], ok: Callable[[T], bool], timeout: float = 20) -> T:
    """Read until ``ok`` (queries re-run in the browser after an input changes)."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if ok(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.25)


def as_date(value: object) -> date:
    """A chart's date value (ISO string from a Date) as a date."""
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()


def points(series: dict) -> list[tuple]:
    return [tuple(point) for point in series["data"]]


# --- the site as a whole ------------------------------------------------------------------


def test_one_page_per_kind_of_entity_whatever_the_warehouse_holds(built_site: Path) -> None:
    """Videos, playlists and channels each have one page, which reads the id from its URL
    (``?id=``): the build does not grow with the warehouse."""
    for folder, pages in (
        ("videos", {"video"}),
        ("playlists", {"playlist", "monthly"}),
        ("channels", {"channel"}),
    ):
        built = {p.parent.name for p in (built_site / folder).glob("*/index.html")}
        assert built == pages, (folder, sorted(built))


def test_every_page_says_when_its_data_was_captured(
    visit: Callable[[str], RenderedPage], marts: Marts, filled: FilledWarehouse
) -> None:
    at = marts.value("select max(last_captured_at) at time zone 'UTC' from marts.channels")
    expected = f"Data as of {at:%b} {at.day}, {at:%Y %H:%M} UTC, the pipeline's latest capture."
    channel_id = marts.value("select min(channel_id) from marts.channels")
    playlist_id = marts.value("select min(playlist_id) from marts.playlists")
    for path in (
        "/",
        "/trending/",
        "/freshness/",
        "/playlists/",
        "/playlists/monthly/",
        f"/playlists/playlist/?id={playlist_id}",
        "/channels/",
        f"/channels/channel/?id={channel_id}",
        "/videos/",
        f"/videos/video/?id={filled.hostile_video}",
    ):
        page = visit(path)
        assert page.eval("document.querySelector('[data-captured]')?.innerText") == expected, path


# --- overview -------------------------------------------------------------------------------


def test_overview_shows_each_channel_with_its_30_day_change(
    visit: Callable[[str], RenderedPage], marts: Marts
) -> None:
    page = visit("/")
    channels = marts.rows(
        """
        select c.channel_id, c.title, c.subscriber_count, c.view_count, c.video_count,
               d.subscribers_gained_30d, d.views_gained_30d, d.videos_added_30d
        from marts.channels as c
        cross join lateral (
            select * from marts.channel_daily_stats as d
            where d.channel_id = c.channel_id order by d.stats_date desc limit 1
        ) as d
        order by c.view_count desc
        """
    )
    assert len(channels) == 2
    for channel_id, title, subscribers, views, videos, *gains in channels:
        box = f'[data-channel-id="{channel_id}"]'
        assert page.text(f"{box} h3") == title
        shown = {b["title"]: b for b in page.big_values(box)}
        for label, value, fmt, gained in (
            ("Subscribers", subscribers, compact, gains[0]),
            ("Views", views, compact, gains[1]),
            ("Videos", videos, lambda v: f"{v:,}", gains[2]),
        ):
            assert shown[label]["value"] == fmt(value), (title, label)
            arrow = "▲" if gained > 0 else "▼" if gained < 0 else "—"
            assert shown[label]["comparison"] == f"{arrow} {change(gained)} in 30 days"
    last_day = marts.value("select max(stats_date) from marts.channel_daily_stats")
    assert f"30 days ending {day(last_day)}" in page.text()


def test_overview_charts_daily_gains_per_channel(
    visit: Callable[[str], RenderedPage], marts: Marts
) -> None:
    page = visit("/")
    for heading, column in (
        ("Daily views gained", "views_gained"),
        ("Daily subscribers gained", "subscribers_gained"),
    ):
        expected = {
            (title, stats_date, gained)
            for title, stats_date, gained in marts.rows(
                f"""
                select c.title, d.stats_date, d.{column}
                from marts.channel_daily_stats as d
                inner join marts.channels as c using (channel_id)
                where d.{column} is not null
                """
            )
        }
        chart = page.chart(heading)
        shown = {
            (series["name"], as_date(x), y)
            for series in chart["series"]
            if series["name"]
            for x, y in points(series)
        }
        assert expected and shown == expected, heading
        # the days are labelled with their date, not a bare day of the month
        days = sorted({stats_date for _, stats_date, _ in expected})
        labels = {f"{d:%b} {d.day}" for d in days}
        assert set(chart["xLabels"]) == labels, (heading, chart["xLabels"])


@pytest.mark.slow
def test_overview_of_many_channels_shows_the_ten_with_the_most_views(
    pg_cluster: ConnectionInfo, tab: Tab
) -> None:
    """A warehouse tracking more channels than the overview draws (12): the 10 with the most
    views get a card and a chart series, and the page says how many there are and where the
    rest are. Built from marts filled by hand, in a site of its own."""
    conn = empty_marts(pg_cluster, "reports_many_channels")
    channels = [(f"UC{n:022d}", f"Channel {n}", 1000 * n) for n in range(1, 13)]
    execute(
        conn,
        "insert into marts.channels (channel_id, title, subscriber_count, view_count, "
        "video_count, latest_stats_date) values "
        + ", ".join(f"('{i}', '{t}', {v // 10}, {v}, 3, date '2026-11-02')" for i, t, v in channels)
        + "; insert into marts.channel_daily_stats (channel_id, stats_date, view_count, "
        "views_gained, subscribers_gained) values "
        + ", ".join(
            f"('{i}', date '2026-11-0{d}', {v}, {d * 10}, {d})"
            for i, _, v in channels
            for d in (1, 2)
        ),
    )
    shown = [(i, t) for i, t, _ in sorted(channels, key=lambda c: -c[2])[:10]]
    site = reports.build(conn)
    with site_server.serve(site, port=0) as server:
        page = open_page(tab, server.url.rstrip("/"), "/", ARTIFACTS, ready=RENDERED)
        cards = page.eval(
            "[...document.querySelectorAll('[data-channel-id]')].map(e => e.dataset.channelId)"
        )
        assert cards == [i for i, _ in shown]
        assert "The 10 channels with the most views, of 12 tracked" in page.text()
        series = {s["name"] for s in page.chart("Daily views gained")["series"] if s["name"]}
        assert series == {t for _, t in shown}


def test_overview_ranks_the_last_7_days_top_videos(
    visit: Callable[[str], RenderedPage], marts: Marts
) -> None:
    page = visit("/")
    expected = marts.rows(
        """
        select v.title, v.channel_title, sum(d.views_gained)::bigint as gained, v.view_count,
               v.video_id
        from marts.video_daily_stats as d
        inner join marts.videos as v using (video_id)
        where d.stats_date > (select max(stats_date) from marts.video_daily_stats) - 7
          and d.views_gained is not null and v.is_tracked_channel
        group by v.video_id, v.title, v.channel_title, v.view_count
        order by gained desc, v.video_id
        limit 10
        """
    )
    rows = page.table("Top videos of the last 7 days")["rows"]
    assert [
        (r["Video"], r["Channel"], r["Views gained (7 days)"], r["Total views"], r["__link"])
        for r in rows
    ] == [(t, c, gain(g), compact(v), f"/videos/video/?id={i}") for t, c, g, v, i in expected]


# --- playlists ------------------------------------------------------------------------------


def test_playlist_ranking_is_sorted_by_total_views_searchable_and_sortable(
    visit: Callable[[str], RenderedPage], marts: Marts
) -> None:
    page = visit("/playlists/")
    expected = marts.rows(
        "select title, count_videos, total_views, total_likes, avg_views, avg_likes, "
        "views_gained_30d, playlist_id from marts.playlists order by total_views desc"
    )
    table = page.table("Playlist ranking")
    assert table["headers"] == [
        "Playlist",
        "Videos",
        "Total views",
        "Total likes",
        "Average views",
        "Average likes",
        "Views gained (30 days)",
    ]
    shown = [
        (r["Playlist"], r["Videos"], r["Total views"], r["Total likes"], r["Average views"])
        for r in table["rows"]
    ]
    as_shown = [
        (t, f"{n:,}", compact(v), compact(lk), compact(av)) for t, n, v, lk, av, *_ in expected
    ]
    # by total views, descending (ties in any order)
    assert sorted(shown) == sorted(as_shown)
    totals = [row[2] for row in expected]
    assert [r["Total views"] for r in table["rows"]] == [compact(v) for v in totals]
    top = expected[0]
    assert table["rows"][0]["Views gained (30 days)"] == gain(top[6])
    assert table["rows"][0]["__link"] in {
        f"/playlists/playlist/?id={row[7]}" for row in expected if row[2] == top[2]
    }

    # sortable: a click on "Total views" sorts it ascending (the visible table's header: the
    # full-screen copy is hidden)
    page.eval(
        "[...document.querySelectorAll('th')].find((th) => th.getClientRects().length"
        " && th.innerText.trim() === 'Total views').click()"
    )
    ascending = eventually(
        lambda: page.table("Playlist ranking")["rows"],
        lambda rows: rows[0]["Total views"] == compact(min(totals)),
    )
    assert [r["Total views"] for r in ascending] == [compact(v) for v in sorted(totals)]

    # searchable: typing part of a title keeps the matching rows only
    wanted = next(row[0] for row in expected if row[1] > 0 and " " in row[0])
    needle = wanted.split(" ")[0]
    page.eval(
        "(() => { const input = [...document.querySelectorAll('input.search-bar')]"
        ".find((i) => i.getClientRects().length);"
        f" input.value = {json.dumps(needle)}; input.dispatchEvent(new Event('input'));"
        " input.dispatchEvent(new KeyboardEvent('keyup')); })()"
    )
    matching = sorted(row[0] for row in expected if needle.lower() in row[0].lower())
    found = eventually(
        lambda: sorted(r["Playlist"] for r in page.table("Playlist ranking")["rows"]),
        lambda titles: titles == matching,
    )
    assert found == matching


def _playlist_with(marts: Marts, video_id: str) -> str:
    return marts.value(
        "select min(playlist_id) from marts.playlist_videos where video_id = %s", (video_id,)
    )


def test_playlist_page_charts_each_video_with_a_dashed_average_and_escaped_tooltips(
    visit: Callable[[str], RenderedPage], marts: Marts, filled: FilledWarehouse
) -> None:
    assert filled.hostile_video
    playlist_id = _playlist_with(marts, filled.hostile_video)
    page = visit(f"/playlists/playlist/?id={playlist_id}")
    title, count_videos, total_views, avg_views = marts.one(
        "select title, count_videos, total_views, avg_views from marts.playlists "
        "where playlist_id = %s",
        (playlist_id,),
    )
    assert page.text("h1") == title
    assert page.big_value("Videos")["value"] == f"{count_videos:,}"
    assert page.big_value("Total views")["value"] == compact(total_views)
    assert page.big_value("Average views")["value"] == compact(avg_views)

    videos = marts.rows(
        """
        select distinct on (video_id) video_id, position, video_title, view_count
        from marts.playlist_videos
        where playlist_id = %s and is_available and view_count is not null
        order by video_id, position
        """,
        (playlist_id,),
    )
    videos.sort(key=lambda row: row[1])
    chart = page.chart("Views of each video")
    bars, reference = chart["series"][0], chart["series"][1]
    # swapXY: each bar is [views, label]; labels are "#<position> <title, shortened>"
    assert [views for views, _label in points(bars)] == [row[3] for row in videos]
    assert [label.split(" ", 1)[0] for _views, label in points(bars)] == [
        f"#{row[1] + 1}" for row in videos
    ]
    assert reference["markLine"]["lineType"] == "dashed"
    assert reference["markLine"]["data"] == [pytest.approx(float(avg_views))]

    # The hovered bar's tooltip shows the full title as text, and exact numbers.
    hostile_index = [row[0] for row in videos].index(filled.hostile_video)
    tip = page.tooltip("Views of each video", 0, hostile_index)
    assert tip is not None
    assert HOSTILE_TITLE in tip["text"]
    assert f"{videos[hostile_index][3]:,}" in tip["text"]
    assert set(tip["tags"]) <= {"DIV", "SPAN", "BR"}, tip["tags"]

    items = marts.rows(
        "select position, video_title, view_count, video_id from marts.playlist_videos "
        "where playlist_id = %s order by position",
        (playlist_id,),
    )
    rows = page.table("Videos")["rows"]
    assert [(r["#"], r["Video"], r["Views"], r["__link"]) for r in rows] == [
        (str(p + 1), t, compact(v), f"/videos/video/?id={i}") for p, t, v, i in items
    ]


def _monthly_expectations(marts: Marts, playlist_id: str) -> tuple[list, list, float]:
    months = marts.rows(
        "select month, total_views, count_videos, views_gained from marts.playlist_monthly "
        "where playlist_id = %s order by month",
        (playlist_id,),
    )
    published = [(month_label(m), views, videos) for m, views, videos, _ in months]
    gained = [(month_label(m), g) for m, _, _, g in months if g is not None]
    average = sum(views for _, views, _, _ in months) / len(months)
    return published, gained, average


def _assert_monthly_charts(page: RenderedPage, marts: Marts, playlist_id: str) -> None:
    published, gained, average = _monthly_expectations(marts, playlist_id)
    assert published[0][0] == "Jan 2024"
    chart = page.chart("Views of the videos published each month")
    views, videos, reference = chart["series"]
    assert (views["name"], videos["name"]) == ("Views", "Videos")
    assert points(views) == [(m, v) for m, v, _ in published]
    assert points(videos) == [(m, n) for m, _, n in published]
    assert reference["markLine"]["lineType"] == "dashed"
    assert reference["markLine"]["data"] == [pytest.approx(average)]
    assert gained, "the history covers November 2026"
    assert points(page.chart("Views gained each month")["series"][0]) == gained


def test_playlist_page_shows_its_months(
    visit: Callable[[str], RenderedPage], marts: Marts, filled: FilledWarehouse
) -> None:
    assert filled.hostile_video
    playlist_id = _playlist_with(marts, filled.hostile_video)
    _assert_monthly_charts(visit(f"/playlists/playlist/?id={playlist_id}"), marts, playlist_id)


def test_emptied_playlist_says_it_is_empty_instead_of_blank_charts(
    visit: Callable[[str], RenderedPage], filled: FilledWarehouse
) -> None:
    page = visit(f"/playlists/playlist/?id={filled.emptied_playlist}")
    text = page.text()
    assert "No video to chart. The playlist is empty." in text
    assert "The playlist is empty: it lists no video at its latest crawl." in text
    assert "No video published since January 2024." in text
    assert page.charts() == []


def test_monthly_page_follows_the_playlist_selector(
    visit: Callable[[str], RenderedPage], marts: Marts
) -> None:
    page = visit("/playlists/monthly/")
    ranked = marts.rows(
        "select playlist_id, title, count_videos from marts.playlists "
        "order by total_views desc, playlist_id"
    )
    # the most viewed playlist first (by default)
    first = ranked[0]
    shown = json.dumps(f"{first[1]} ({first[2]} videos)")
    assert page.eval(f"__tw.dropdownShows('Playlist', {shown})")
    _assert_monthly_charts(page, marts, first[0])

    other = next(row for row in ranked if row[2] > 0 and row[0] != first[0] and row[1] != first[1])
    label = f"{other[1]} ({other[2]} videos)"
    page.choose("Playlist", label, ready=RENDERED)
    expected, _, _ = _monthly_expectations(marts, other[0])
    eventually(
        lambda: points(page.chart("Views of the videos published each month")["series"][0]),
        lambda shown: shown == [(m, v) for m, v, _ in expected],
    )
    _assert_monthly_charts(page, marts, other[0])


# --- trending -------------------------------------------------------------------------------


LATEST_CHART = """
with latest as (
    select region_code, chart_category_id, run_id,
           row_number() over (partition by region_code, chart_category_id
                              order by captured_at desc, run_id desc) as recency
    from marts.trending_videos
)
select t.chart_rank, t.title, t.channel_title, t.view_count, s.captures_on_chart, s.best_rank,
       (select count(*) from marts.trending_summary r where r.video_id = t.video_id), t.video_id
from marts.trending_videos as t
inner join latest as l using (region_code, chart_category_id, run_id)
inner join marts.trending_summary as s using (video_id, region_code)
where l.recency = 1 and t.region_code = %s and t.chart_category_id = %s
order by t.chart_rank
"""


def _chart_rows(page: RenderedPage) -> list[tuple]:
    table = next(t for t in page.tables() if t["heading"].startswith("Latest chart"))
    return [
        (
            r["Rank"],
            r["Video"],
            r["Channel"],
            r["Views"],
            r["Trending (captures)"],
            r["Best rank"],
            r["Regions"],
            r["__link"],
        )
        for r in table["rows"]
    ]


def _expected_chart(marts: Marts, region: str, category: str = "0") -> list[tuple]:
    return [
        (
            str(rank),
            title,
            channel,
            compact(views),
            str(hours),
            str(best),
            str(n),
            f"/videos/video/?id={v}",
        )
        for rank, title, channel, views, hours, best, n, v in marts.rows(
            LATEST_CHART, (region, category)
        )
    ]


def test_trending_shows_the_latest_chart_of_the_selected_region(
    visit: Callable[[str], RenderedPage], marts: Marts
) -> None:
    page = visit("/trending/")
    # the United States by default
    assert page.text("h2") == "Latest chart: United States (US), All categories"
    expected = _expected_chart(marts, "US")
    assert expected and _chart_rows(page) == expected
    assert HOSTILE_TITLE in {row[1] for row in expected}

    # the region's Music chart, picked in the chart selector
    music = marts.value(
        "select category_name from marts.categories where region_code = 'US' and category_id = '10'"
    )
    page.choose("Chart", music, ready=RENDERED)
    expected = _expected_chart(marts, "US", "10")
    shown = eventually(lambda: _chart_rows(page), lambda rows: rows == expected)
    assert expected and shown == expected
    assert page.text("h2") == f"Latest chart: United States (US), {music}"
    page.choose("Chart", "All categories", ready=RENDERED)

    # another region, picked in the region selector
    region, name = marts.one(
        "select region_code, region_name from marts.regions "
        "where region_code <> 'US' order by region_code limit 1"
    )
    label = f"{name} ({region})"
    page.choose("Region", label, ready=RENDERED)
    expected = _expected_chart(marts, region)
    shown = eventually(lambda: _chart_rows(page), lambda rows: rows == expected)
    assert shown == expected
    assert page.text("h2") == f"Latest chart: {label}, All categories"

    history = marts.rows(
        "select title, captures_on_chart, best_rank from marts.trending_summary "
        "where region_code = %s order by captures_on_chart desc, best_rank, video_id",
        (region,),
    )
    rows = page.table(f"Every video that trended in {label}")["rows"]
    assert [(r["Video"], r["Trending (captures)"], r["Best rank"]) for r in rows] == [
        (t, str(h), str(b)) for t, h, b in history
    ]


def test_trending_lists_the_charts_youtube_does_not_have(
    visit: Callable[[str], RenderedPage], marts: Marts
) -> None:
    page = visit("/trending/")
    expected = [
        (f"{name} ({code})", f"{category} ({category_id})")
        for code, name, category_id, category in marts.rows(
            """
            select m.region_code, r.region_name, m.chart_category_id, c.category_name
            from marts.trending_charts_missing as m
            inner join marts.regions as r using (region_code)
            inner join marts.categories as c
                on c.region_code = m.region_code and c.category_id = m.chart_category_id
            order by 1, 3
            """
        )
    ]
    # Japan has no Music chart in the emulator's world: asked for, answered videoChartNotFound
    assert expected == [("Japan (JP)", "Music (10)")]
    rows = page.table("Charts YouTube does not have")["rows"]
    assert [(r["Region"], r["Chart"]) for r in rows] == expected
    assert "1 of the charts asked for does not exist" in page.text()


def test_trending_region_by_day_counts_the_videos_of_each_chart(
    visit: Callable[[str], RenderedPage], marts: Marts
) -> None:
    page = visit("/trending/")
    expected = {
        (f"{name} ({code})", f"{chart_day:%Y-%m-%d}", count)
        for code, name, chart_day, count in marts.rows(
            """
            select t.region_code, r.region_name, (t.captured_at at time zone 'UTC')::date,
                   count(distinct t.video_id)
            from marts.trending_videos as t
            inner join marts.regions as r using (region_code)
            where t.chart_category_id = '0'
            group by 1, 2, 3
            """
        )
    }
    heatmap = page.chart("Region by day")["series"][0]
    assert {(region, chart_day, count) for chart_day, region, count in points(heatmap)} == expected


# --- videos and channels --------------------------------------------------------------------


def test_video_page_shows_history_gains_and_trending_with_the_title_as_text(
    visit: Callable[[str], RenderedPage], marts: Marts, filled: FilledWarehouse
) -> None:
    video_id = filled.hostile_video
    page = visit(f"/videos/video/?id={video_id}")
    assert page.text("h1") == HOSTILE_TITLE
    views, likes, comments = marts.one(
        "select view_count, like_count, comment_count from marts.videos where video_id = %s",
        (video_id,),
    )
    assert page.big_value("Views")["value"] == compact(views)
    assert page.big_value("Likes")["value"] == compact(likes)
    assert page.big_value("Comments")["value"] == compact(comments)

    days = marts.rows(
        "select stats_date, view_count, like_count, views_gained from marts.video_daily_stats "
        "where video_id = %s and stats_date > "
        "(select max(stats_date) - 90 from marts.video_daily_stats) order by stats_date",
        (video_id,),
    )
    history = page.chart("Statistics history")["series"]
    assert [(as_date(x), y) for x, y in points(history[0])] == [(d, v) for d, v, _, _ in days]
    assert [(as_date(x), y) for x, y in points(history[1])] == [(d, lk) for d, _, lk, _ in days]
    gains = [(as_date(x), y) for x, y in points(page.chart("Daily gains")["series"][0])]
    assert gains == [(d, g) for d, _, _, g in days if g is not None]
    assert len(gains) == 3  # four days of captures

    trending = marts.rows(
        "select r.region_name, s.best_rank, s.captures_on_chart from marts.trending_summary s "
        "inner join marts.regions r using (region_code) where s.video_id = %s "
        "order by s.best_rank, s.region_code",
        (video_id,),
    )
    rows = page.table("Trending history")["rows"]
    assert trending and [(r["Region"], r["Best rank"], r["Trending (captures)"]) for r in rows] == [
        (name, str(best), str(hours)) for name, best, hours in trending
    ]
    ranks = page.chart("Trending history")["series"]
    assert {s["name"] for s in ranks} == {name for name, _, _ in trending}

    # read from warehouse.video_playlists, the playlist items sorted by video
    in_playlists = marts.rows(
        "select p.title, i.position + 1 from marts.playlist_videos i "
        "inner join marts.playlists p using (playlist_id) where i.video_id = %s",
        (video_id,),
    )
    rows = page.table("In playlists")["rows"]
    assert in_playlists and sorted((r["Playlist"], r["Position"]) for r in rows) == sorted(
        (title, str(position)) for title, position in in_playlists
    )


def test_video_pages_format_huge_numbers_and_flag_deleted_videos(
    visit: Callable[[str], RenderedPage], filled: FilledWarehouse
) -> None:
    page = visit(f"/videos/video/?id={filled.huge_video}")
    assert page.big_value("Views")["value"] == compact(HUGE_VIEWS) == "5.0B"
    page = visit(f"/videos/video/?id={filled.deleted_video}")
    assert "This video is no longer available (deleted, or made private)." in page.text()


def test_channel_page_shows_its_numbers_and_daily_gains(
    visit: Callable[[str], RenderedPage], marts: Marts
) -> None:
    channel_id, title, subscribers, views, videos = marts.one(
        "select channel_id, title, subscriber_count, view_count, video_count "
        "from marts.channels order by view_count desc limit 1"
    )
    page = visit(f"/channels/channel/?id={channel_id}")
    assert page.text("h1") == title
    assert page.big_value("Subscribers")["value"] == compact(subscribers)
    assert page.big_value("Views")["value"] == compact(views)
    assert page.big_value("Videos")["value"] == f"{videos:,}"
    gains = marts.rows(
        "select stats_date, views_gained from marts.channel_daily_stats "
        "where channel_id = %s and views_gained is not null order by stats_date",
        (channel_id,),
    )
    chart = page.chart("Daily views gained")["series"][0]
    assert [(as_date(x), y) for x, y in points(chart)] == gains
    # read from warehouse.channel_videos, the videos sorted by channel: the table's first page
    top = marts.rows(
        "select title, view_count from marts.videos where channel_id = %s and is_available "
        "order by view_count desc nulls last, video_id limit 25",
        (channel_id,),
    )
    rows = page.table("Videos")["rows"]
    assert top and [(r["Video"], r["Views"]) for r in rows] == [
        (title, compact(views)) for title, views in top
    ]


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/videos/video/?id=noSuchVid01", "No video noSuchVid01 in the warehouse."),
        (
            "/playlists/playlist/?id=PLnoSuchPlaylist",
            "No playlist PLnoSuchPlaylist in the warehouse.",
        ),
        ("/channels/channel/?id=UCnoSuchChannel", "No channel UCnoSuchChannel in the warehouse."),
        ("/videos/video/", "No video id in this address."),
        ("/videos/video/?id=%3Cb%3Ex%3C%2Fb%3E", "No video id in this address."),
    ],
)
def test_an_id_the_warehouse_does_not_have_says_so(
    visit: Callable[[str], RenderedPage], path: str, says: str
) -> None:
    """A deep link to a video, playlist or channel that is not (or no longer) in the
    warehouse opens a clear "not found", never a blank chart or an empty table."""
    page = visit(path)
    assert says in page.text()
    assert page.charts() == [] and page.tables() == [] and page.big_values() == []


def test_a_deep_link_opens_the_entity_and_links_move_between_entities(
    visit: Callable[[str], RenderedPage], marts: Marts
) -> None:
    """Opened directly from its address, a video's page shows that video; following its
    channel link (in the browser, no reload) shows the channel, and the old address of a video
    page still leads to it."""
    video_id, title, channel_id, channel = marts.one(
        "select video_id, videos.title, videos.channel_id, channels.title from marts.videos "
        "inner join marts.channels using (channel_id) "
        "where is_available order by videos.view_count desc, video_id limit 1"
    )
    page = visit(f"/videos/video/?id={video_id}")
    assert page.text("h1") == title
    page.eval(f"document.querySelector('a[href=\"/channels/channel/?id={channel_id}\"]').click()")
    page.tab.wait_until(f"location.search === '?id={channel_id}' && ({RENDERED})")
    shown = eventually(lambda: page.text("h1"), lambda text: text == channel)
    assert shown == channel
    page = visit(f"/videos/{video_id}/")  # the address before one page per kind of entity
    assert page.eval("location.pathname + location.search") == f"/videos/video/?id={video_id}"
    assert page.text("h1") == title


def test_index_pages_list_every_video_and_channel(
    visit: Callable[[str], RenderedPage], marts: Marts, filled: FilledWarehouse
) -> None:
    page = visit("/videos/")
    total = marts.value("select count(*) from marts.videos")
    top = marts.rows(
        "select title, view_count, video_id from marts.videos "
        "order by view_count desc nulls last, video_id limit 100"
    )
    table = page.table("Videos")
    # the 100 most viewed, 25 a table page, each linking to its page
    assert [(r["Video"], r["Views"], r["__link"]) for r in table["rows"]] == [
        (t, compact(v), f"/videos/video/?id={i}") for t, v, i in top[: len(table["rows"])]
    ]
    assert table["rows"]
    assert f"{total:,} videos in the warehouse; showing the 100 most viewed matches" in page.text()

    # a search finds any video, by title or by id
    hostile_id = filled.hostile_video
    assert hostile_id is not None
    page.type_into("Search videos", hostile_id, ready=RENDERED)
    rows = eventually(lambda: page.table("Videos")["rows"], lambda rows: len(rows) == 1, timeout=30)
    assert [(r["Video"], r["__link"]) for r in rows] == [
        (HOSTILE_TITLE, f"/videos/video/?id={hostile_id}")
    ]
    word = "zzz-no-such-title"
    page.type_into("Search videos", word, ready=RENDERED)
    eventually(lambda: page.text(), lambda text: "No video matches this search." in text)
    assert "No video matches this search." in page.text()

    page = visit("/channels/")
    shown = {r["Channel"] for r in page.table("Channels")["rows"]}
    assert shown == {row[0] for row in marts.rows("select title from marts.channels")}


def test_freshness_page_shows_quota_per_bucket_staleness_and_overdue_videos(
    visit: Callable[[str], RenderedPage], marts: Marts
) -> None:
    page = visit("/freshness/")
    expected = set(marts.rows("select bucket, pacific_day, units_spent from marts.quota_daily"))
    chart = page.chart("Quota units per day")
    shown = {
        (series["name"], as_date(x), y)
        for series in chart["series"]
        if series["name"]
        for x, y in points(series)
        if y is not None
    }
    assert expected and shown == expected
    pacific_day, bucket, units, requests = marts.rows(
        "select pacific_day, bucket, units_spent, count_requests from marts.quota_daily "
        "order by pacific_day, bucket limit 1"
    )[0]
    row = page.table("Quota units per day")["rows"][0]
    assert (row["Pacific day"], row["Bucket"], row["Units"], row["Requests"]) == (
        day(pacific_day),
        bucket,
        f"{units:,}",
        f"{requests:,}",
    )
    runs = marts.rows("select planned_at from marts.refresh_runs")
    if runs:
        staleness = page.chart("Staleness at planning")
        assert all(len(points(s)) == len(runs) for s in staleness["series"] if s["name"])
    else:
        assert "No refresh planned yet." in page.text()
    overdue = marts.rows(
        "select title from marts.videos_overdue order by hours_stale desc nulls first, video_id"
    )
    if overdue:
        assert page.table("Videos overdue")["rows"][0]["Video"] == overdue[0][0]
    else:
        assert "No video overdue." in page.text()
