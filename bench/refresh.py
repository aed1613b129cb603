"""The quota-budgeted refresh planner (``extract.planner``) on a 100,000-video world: quota
units per bucket and day, staleness, young videos' coverage, the accuracy of the daily and
monthly view gains, how many videos it keeps against the flat hourly refresh, and what it
costs in planning time and in the hourly ``dbt build``.

Three parts, in one run:

1. **30-day simulation, planner and emulator alone.** ``World.large(videos, as_of=END)`` (five
   years of uploads, several a day) and ``EmulatorServer(...).handle(Request)`` answering in
   process, on a frozen emulator clock moved an hour at a time from ``END - 30 days``. Every
   hour on the hour a ``stats`` run as ``extract.stats_refresh.stats_steps`` makes it:
   ``channels.list``, the first page of each uploads playlist, ``videos.list`` for new videos
   and for the metadata ``metadata_due`` picks, ``plan_refresh`` (``Policy()``'s defaults,
   the stats bucket's units today read from the emulator's ledger), ``videos.batchGetStats``
   for the chosen ids, then the ``mostPopular`` charts; every answer is folded into the
   ``VideoState``s with ``refresh_state.apply_item`` / ``apply_missing``. Each Pacific day at
   00:15 (the ``daily-crawl`` deployment's schedule) the full crawl: ``channels.list``,
   reference data, ``playlists.list`` and ``videos.list`` for every available video, driven
   in process, and the ``playlistItems.list`` pages of every playlist counted from the world
   (``World.minimum_pages``' Σ⌈items/50⌉) and charged to the emulator's ledger directly (4,000
   in-process pages a day would dominate the run), then the charts. Any 403
   ``quotaExceeded`` counts. The emulator's catalogue is fixed up to ``END``: the served world
   (``PublishedSoFar``) hides from every playlist the videos not yet published at the
   clock's time, so a run discovers a video only once it is out.
2. **Three days end to end** (``--e2e-videos``; the same world spec, the simulation's first
   three days, across the October/November boundary and the DST change): the real extractor
   (``extract.run.run_extract``, in process) against the emulator over HTTP (the same
   ``PublishedSoFar`` world), landing into a throwaway PostgreSQL, ``mode="full"`` at 00:15
   Pacific and ``mode="stats"`` on the hour; then ``dbt build`` and the errors of
   ``marts.video_daily_stats`` / ``marts.video_monthly_stats`` against
   ``World.true_statistics``. Its units, staleness and young coverage are measured as in the
   simulation and compared with a simulation of the same world's first three days.
3. **The hourly ``dbt build``**: after the end-to-end days, the planner's warehouse (one more
   ``stats`` run, then ``dbt build``) interleaved with a 5,400-video warehouse refreshed flat
   (``bench.history``: every video every hour, one more capture, then ``dbt build``), rounds
   rotating which goes first; the ratio of their medians.

And the **flat refresh's capacity**: the largest ``World.large(n)`` whose day (one full crawl
at ``World.minimum_pages`` + 24 hourly runs of channels, uploads' first pages, charts and
⌈videos/50⌉ ``videos.list`` calls) fits the default bucket's 10,000 units, found by bisection
on the world's own page counts; the planner's capacity is derived from the simulation (see
``planner_capacity``).

Run it as ``python -m bench.refresh`` (about 70 minutes on 2 cores: the 100,000-video
simulation ~40, the 50,000-video end to end ~30); ``--smoke``: 2,000 videos,
1 simulated day, 6 hours end to end, no interleaved builds. Results: a table on stdout and
``bench/results/refresh.json`` (not for ``--smoke``).
"""

from __future__ import annotations

import argparse
import bisect
import dataclasses
import json
import math
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.common import (
    BenchError,
    Progress,
    create_database,
    execute,
    isolated_cluster,
    machine_facts,
    machine_line,
    publish,
    query,
    results_path,
    stderr_progress,
)
from emulator import Clock, EmulatorServer, World
from emulator.entities import Playlist, PlaylistItem
from emulator.messages import Request
from extract.database import ConnectionInfo
from extract.planner import Policy, metadata_due, plan_refresh, to_describe
from extract.refresh_state import VideoState, apply_item, apply_missing
from extract.resources import (
    CHANNELS,
    I18N_REGIONS,
    MOST_POPULAR,
    PLAYLIST_ITEMS,
    PLAYLISTS,
    VIDEO_BATCH_STATS,
    VIDEO_CATEGORIES,
    VIDEOS,
)
from extract.settings import Settings

PACIFIC = ZoneInfo("America/Los_Angeles")
HOUR = timedelta(hours=1)
# The simulation starts 30 days before the world's as_of: 2026-10-30 00:15 Pacific (07:15
# UTC), the first daily crawl; its first three days cross the October/November boundary (and
# the end of daylight saving time, 2026-11-01).
START = datetime(2026, 10, 30, 7, 15, tzinfo=UTC)
DAYS = 30
END = START + timedelta(days=DAYS)
API_KEY = "bench-refresh-key"
DEFAULT_LIMIT = Settings.daily_quota
STATS_LIMIT = Settings.stats_daily_quota
# What the simulation asks videos.list for: the parts the planner's state reads (the
# extractor asks for contentDetails and status too; the cost is the same: 1 unit a call).
CHART_PARTS = "snippet,statistics"
CRAWL_MINUTE = 15  # the daily crawl's minute past Pacific midnight (flows.serve.DAILY_CRON)

# targets
MAX_P95_STALENESS = 24.0
MIN_YOUNG_SHARE = 0.95
MIN_CAPACITY_RATIO = 7.0
MAX_PLAN_SECONDS = 2.0
MAX_BUILD_RATIO = 2.0


@dataclass(frozen=True)
class Sizes:
    videos: int = 100_000
    days: int = DAYS
    e2e_videos: int = 50_000
    e2e_hours: int = 72
    build_rounds: int = 3  # interleaved hourly builds after a warm-up round (0: none)
    flat_videos: int = 5_400
    flat_hours: int = 72
    mode: str = "full"


SMOKE = Sizes(
    videos=2_000,
    days=1,
    e2e_videos=2_000,
    e2e_hours=6,
    build_rounds=0,
    flat_videos=200,
    flat_hours=4,
    mode="smoke",
)


# ----------------------------------------------------------------------------- the world


class PublishedSoFar(World):
    """A ``World`` whose playlists list only the videos published by its clock's time: the
    catalogue of ``World.large`` is fixed up to ``as_of``, and a run at an earlier time must
    not discover what is not out yet. Statistics, charts and lookups by id are the world's."""

    clock: Clock
    _cut: dict[str, tuple[int, Playlist]]  # the latest cut of each playlist
    _shown_from: dict[str, list[datetime]]

    @classmethod
    def of(cls, world: World, clock: Clock) -> PublishedSoFar:
        bound = cls.__new__(cls)
        bound.__dict__.update(world.__dict__)
        bound.clock = clock
        bound._cut = {}
        bound._shown_from = {}
        return bound

    def _shown_at(self, item: PlaylistItem) -> datetime:
        video = self.videos.get(item.video_id)
        return max(item.added_at, video.published_at) if video is not None else item.added_at

    def playlist(self, playlist_id: str) -> Playlist | None:
        full = super().playlist(playlist_id)
        if full is None:
            return None
        times = self._shown_from.get(playlist_id)
        if times is None:
            times = self._shown_from[playlist_id] = sorted(map(self._shown_at, full.items))
        now = self.clock.now()
        shown = bisect.bisect_right(times, now)
        if shown == len(full.items):
            return full
        cached = self._cut.get(playlist_id)
        if cached is not None and cached[0] == shown:
            return cached[1]
        kept = [item for item in full.items if self._shown_at(item) <= now]
        items = tuple(
            dataclasses.replace(item, position=position) for position, item in enumerate(kept)
        )
        cut = dataclasses.replace(full, items=items)
        self._cut[playlist_id] = (shown, cut)
        return cut

    def uploads(self, channel_id: str) -> Playlist:
        cut = self.playlist(self.channels[channel_id].uploads_playlist_id)
        assert cut is not None
        return cut


class Available:
    """The videos a run can ask about at a time (``World.available_video_ids`` as of then):
    the public videos in the tracked channels' playlists (uploads included), each from the
    time it is both published and in such a playlist."""

    def __init__(self, world: World) -> None:
        shown: dict[str, datetime] = {}
        for playlist in world.crawled_playlists():
            for item in playlist.items:
                video = world.videos.get(item.video_id)
                if video is None or not video.is_public:
                    continue
                at = max(item.added_at, video.published_at)
                if item.video_id not in shown or at < shown[item.video_id]:
                    shown[item.video_id] = at
        self._order = sorted((at, vid, world.videos[vid].published_at) for vid, at in shown.items())
        self._times = [at for at, _, _ in self._order]
        self._cached: tuple[int, dict[str, datetime]] = (-1, {})

    def at(self, when: datetime) -> dict[str, datetime]:
        """id -> publish time of the videos available at ``when`` (the same dict while none
        is added: do not change it)."""
        end = bisect.bisect_right(self._times, when)
        if self._cached[0] != end:
            self._cached = (end, {vid: published for _, vid, published in self._order[:end]})
        return self._cached[1]


def available_at(world: World, at: datetime) -> dict[str, datetime]:
    return Available(world).at(at)


def crawl_times(start: datetime, end: datetime) -> list[datetime]:
    """00:15 Pacific of every day in [start, end)."""
    day = start.astimezone(PACIFIC).date()
    found = []
    while True:
        at = datetime(day.year, day.month, day.day, 0, CRAWL_MINUTE, tzinfo=PACIFIC)
        at_utc = at.astimezone(UTC)
        if at_utc >= end:
            return found
        if at_utc >= start:
            found.append(at_utc)
        day += timedelta(days=1)


def schedule(start: datetime, hours: float) -> list[tuple[datetime, str]]:
    """(time, mode) of every run in [start, start + hours): stats on the hour, full at 00:15
    Pacific; ``start`` is a crawl."""
    end = start + timedelta(hours=hours)
    runs = [(at, "full") for at in crawl_times(start, end)]
    hour = start.replace(minute=0, second=0, microsecond=0) + HOUR
    while hour < end:
        runs.append((hour, "stats"))
        hour += HOUR
    return sorted(runs)


# ------------------------------------------------------------------- per-hour measures


def staleness_hours(
    states: dict[str, VideoState], available: dict[str, datetime], now: datetime
) -> list[float]:
    """Hours since the last capture of each available video (since its publication when
    never captured), sorted."""
    hours = []
    for video_id, published in available.items():
        state = states.get(video_id)
        last = state.last_captured_at if state is not None else None
        hours.append((now - (last or published)) / HOUR)
    hours.sort()
    return hours


def rank(values: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted ``values`` (0 when empty)."""
    if not values:
        return 0.0
    return values[max(0, math.ceil(q * len(values)) - 1)]


def young_refreshed(
    states: dict[str, VideoState],
    available: dict[str, datetime],
    now: datetime,
    since: datetime,
    young_hours: float,
) -> tuple[int, int]:
    """(young videos, of which captured at or after ``since``)."""
    young_since = now - young_hours * HOUR
    young = fresh = 0
    for video_id, published in available.items():
        if published > young_since:  # (a pass over ~80,000 items: ~5 ms)
            young += 1
            state = states.get(video_id)
            if state is not None and state.last_captured_at is not None:
                fresh += state.last_captured_at >= since
    return young, fresh


def hour_record(
    states: dict[str, VideoState], available: dict[str, datetime], now: datetime
) -> dict[str, Any]:
    hours = staleness_hours(states, available, now)
    return {
        "at": now.isoformat(),
        "available": len(hours),
        "p50": round(rank(hours, 0.50), 2),
        "p95": round(rank(hours, 0.95), 2),
        "max": round(hours[-1], 2) if hours else 0.0,
        "over_24h": sum(1 for h in hours if h > 24.0 + 1e-9),
        "sample": hours[:: max(1, len(hours) // 200)],
    }


# ----------------------------------------------------------------- the simulated client


class InProcess:
    """The emulator answering in process: ``EmulatorServer.handle`` (key check, per-bucket
    quota, the real method, the rendered JSON), and the folding of every answer."""

    def __init__(self, server: EmulatorServer, states: dict[str, VideoState]) -> None:
        self.server = server
        self.states = states
        self.refused: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()

    def get(self, path: str, params: dict[str, str]) -> dict[str, Any] | None:
        now = self.server.clock.now()
        request = Request(
            "GET",
            f"/youtube/v3/{path}",
            {**params, "key": API_KEY, "prettyPrint": "false"},
            Message(),
            b"",
            now,
        )
        response = self.server.handle(request)
        if response.status == 200:
            return json.loads(response.body)
        body = json.loads(response.body) if response.body else {}
        reasons = [e.get("reason") for e in body.get("error", {}).get("errors", [])]
        if "quotaExceeded" in reasons:
            self.refused[path] += 1
        else:
            self.errors[f"{path} {response.status} {reasons}"] += 1
        return None

    def pages(self, path: str, params: dict[str, str]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        token = None
        while True:
            page = self.get(
                path, {**params, "maxResults": "50", **({"pageToken": token} if token else {})}
            )
            if page is None:
                return items
            items.extend(page.get("items", []))
            token = page.get("nextPageToken")
            if not token:
                return items

    def by_ids(self, path: str, resource: str, parts: Iterable[str], ids: list[str]) -> int:
        """50 ids a call, every answer folded (asked and not returned: unavailable)."""
        now = self.server.clock.now()
        calls = 0
        for i in range(0, len(ids), 50):
            batch = ids[i : i + 50]
            page = self.get(path, {"part": ",".join(parts), "id": ",".join(batch)})
            calls += 1
            if page is None:
                continue
            returned = set()
            for item in page.get("items", []):
                apply_item(self.states, resource, item, now)
                returned.add(item.get("id"))
            for video_id in batch:
                if video_id not in returned:
                    apply_missing(self.states, video_id, now)
        return calls

    def charge(self, method: str, units: int) -> None:
        """Pages counted rather than driven: charged to the emulator's ledger one unit at a
        time (refused once the bucket is spent, as a call would be)."""
        ledger = self.server._ledger  # the lowest level that still keeps the per-bucket day
        now = self.server.clock.now()
        for _ in range(units):
            if ledger.spent(now):
                self.refused[method] += 1
            else:
                ledger.charge(method, 1, now)


@dataclass
class Simulation:
    """The planner's world, run by run."""

    world: World
    policy: Policy = field(default_factory=Policy)
    states: dict[str, VideoState] = field(default_factory=dict)
    runs: list[dict[str, Any]] = field(default_factory=list)
    hours: list[dict[str, Any]] = field(default_factory=list)
    known: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.clock = Clock(START, frozen=True)
        self.served = PublishedSoFar.of(self.world, self.clock)
        self.server = EmulatorServer(
            self.served, self.clock, daily_quota=DEFAULT_LIMIT, stats_daily_quota=STATS_LIMIT
        )
        self.api = InProcess(self.server, self.states)
        self.channel_ids = self.world.tracked_channel_ids
        self.regions = self.world.region_codes
        self._available = Available(self.world)

    def available(self, at: datetime) -> dict[str, datetime]:
        return self._available.at(at)

    def _buckets(self) -> dict[str, int]:
        return {k: v["total"] for k, v in self.server.quota()["buckets"].items()}

    def _channels(self) -> list[str]:
        uploads = []
        for i in range(0, len(self.channel_ids), 50):
            page = self.api.get(
                "channels",
                {"part": ",".join(CHANNELS.parts), "id": ",".join(self.channel_ids[i : i + 50])},
            )
            for item in (page or {}).get("items", []):
                uploads.append(item["contentDetails"]["relatedPlaylists"]["uploads"])
        return uploads

    def _charts(self) -> None:
        now = self.clock.now()
        for region in self.regions:
            params = {
                "part": CHART_PARTS,
                "chart": "mostPopular",
                "regionCode": region,
                "videoCategoryId": "0",
            }
            for item in self.api.pages("videos", params):
                apply_item(self.states, MOST_POPULAR.name, item, now)

    def full(self) -> dict[str, Any]:
        """The daily crawl (``mode="full"``)."""
        now = self.clock.now()
        self._channels()
        self.api.get("i18nRegions", {"part": ",".join(I18N_REGIONS.parts)})
        for region in self.regions:
            self.api.get(
                "videoCategories", {"part": ",".join(VIDEO_CATEGORIES.parts), "regionCode": region}
            )
        for channel_id in self.channel_ids:
            self.api.pages(
                "playlists", {"part": ",".join(PLAYLISTS.parts), "channelId": channel_id}
            )
        # playlistItems: every page of every crawled playlist, counted from the world as it is
        # served now (Σ⌈items/50⌉, at least one page each), charged to the ledger
        pages = 0
        for channel_id in self.channel_ids:
            for playlist in [
                *self.served.playlists_of(channel_id),
                self.served.uploads(channel_id),
            ]:
                cut = self.served.playlist(playlist.playlist_id)
                pages += max(1, math.ceil(len(cut.items if cut else ()) / 50))
        self.api.charge(f"youtube.{PLAYLIST_ITEMS.method}.list", pages)
        ids = sorted(self.available(now))
        self.api.by_ids("videos", VIDEOS.name, ("snippet", "statistics"), ids)
        self.known = set(ids)
        self._charts()
        return {"videos_asked": len(ids), "item_pages": pages}

    def stats(self) -> dict[str, Any]:
        """An hourly run (``mode="stats"``), as ``stats_steps`` makes it."""
        now = self.clock.now()
        new: set[str] = set()
        # channels.list: counted, not driven, every hour (its answer sums every video's views
        # per channel: ~0.9 s a call at 100,000 videos); the uploads playlists are the world's
        self.api.charge(f"youtube.{CHANNELS.method}.list", math.ceil(len(self.channel_ids) / 50))
        for uploads in [self.world.channels[c].uploads_playlist_id for c in self.channel_ids]:
            page = self.api.get(
                "playlistItems",
                {"part": ",".join(PLAYLIST_ITEMS.parts), "playlistId": uploads, "maxResults": "50"},
            )
            for item in (page or {}).get("items", []):
                new.add(item["contentDetails"]["videoId"])
        describe = to_describe(self.states, self.known | new)
        stale = metadata_due(self.states.values(), now, self.policy)
        asked = sorted(set(describe) | set(stale))
        self.api.by_ids("videos", VIDEOS.name, VIDEOS.parts, asked)
        self.known = set(asked)
        spent = self.server.quota()["buckets"]["stats"]["units_today"]
        started = time.perf_counter()
        plan = plan_refresh(self.states.values(), now, STATS_LIMIT, spent, self.policy)
        plan_seconds = time.perf_counter() - started
        chosen = plan.chosen_ids
        self.api.by_ids(
            "videos:batchGetStats", VIDEO_BATCH_STATS.name, VIDEO_BATCH_STATS.parts, chosen
        )
        self._charts()
        return {
            "new": len(describe),
            "metadata": len(stale),
            "plan_seconds": plan_seconds,
            "states": len(self.states),
            "chosen": len(chosen),
            "chosen_by_reason": dict(Counter(r.reason for r in plan.rows if r.chosen)),
            "left": len(plan.rows) - len(chosen),
            "share_units": plan.share_units,
        }

    def run(self, at: datetime, mode: str) -> dict[str, Any]:
        self.clock.set(at)
        available = self.available(at)
        before_units = self._buckets()
        before_refused = sum(self.api.refused.values())
        hour = hour_record(self.states, available, at) if mode == "stats" else None
        started = time.perf_counter()
        detail = self.full() if mode == "full" else self.stats()
        seconds = time.perf_counter() - started
        after = self._buckets()
        record: dict[str, Any] = {
            "at": at.isoformat(),
            "mode": mode,
            "pacific_day": at.astimezone(PACIFIC).date().isoformat(),
            "units": {b: after[b] - before_units[b] for b in ("default", "stats")},
            "quota_exceeded": sum(self.api.refused.values()) - before_refused,
            "seconds": seconds,
            **detail,
        }
        if hour is not None:
            young, fresh = young_refreshed(self.states, available, at, at, self.policy.young_hours)
            hour.update(young=young, young_refreshed=fresh)
            self.hours.append(hour)
        self.runs.append(record)
        return record


def simulate(
    world: World, start: datetime, hours: float, progress: Progress, label: str
) -> dict[str, Any]:
    sim = Simulation(world)
    started = time.perf_counter()
    plan = schedule(start, hours)
    for number, (at, mode) in enumerate(plan, 1):
        record = sim.run(at, mode)
        if mode == "full" or number % 24 == 0:
            progress(
                f"{label}: {at:%Y-%m-%d %H:%M} {mode}: {record['units']} units, "
                f"{record['seconds']:.1f} s ({time.perf_counter() - started:.0f} s so far)"
            )
    return summarize_runs(sim.runs, sim.hours, sim.api.refused, sim.api.errors) | {
        "seconds": time.perf_counter() - started
    }


# ------------------------------------------------------------------------- summaries


def summarize_runs(
    runs: list[dict[str, Any]],
    hours: list[dict[str, Any]],
    refused: Counter[str],
    errors: Counter[str],
) -> dict[str, Any]:
    """Units per Pacific day and bucket, staleness and young coverage over the hours."""
    days: dict[str, dict[str, int]] = {}
    for run in runs:
        day = days.setdefault(run["pacific_day"], {"default": 0, "stats": 0, "runs": 0})
        day["default"] += run["units"]["default"]
        day["stats"] += run["units"]["stats"]
        day["runs"] += 1
    # whole days only for the per-day figures: the first and last may be partial
    whole = {d: v for d, v in days.items() if v["runs"] >= 24}
    per_day = whole or days
    every = sorted(h for hour in hours for h in hour["sample"])
    young_hours = [h for h in hours if h["young"]]
    covered = [h for h in young_hours if h["young_refreshed"] == h["young"]]
    young_total = sum(h["young"] for h in young_hours)
    plan_seconds = [r["plan_seconds"] for r in runs if r["mode"] == "stats"]
    worst = max(hours, key=lambda h: (h["p95"], h["max"])) if hours else None
    return {
        "days": days,
        "units_per_day": {
            bucket: {
                "max": max(v[bucket] for v in per_day.values()),
                "median": statistics.median(v[bucket] for v in per_day.values()),
                "min": min(v[bucket] for v in per_day.values()),
            }
            for bucket in ("default", "stats")
        },
        "whole_days": len(whole),
        "quota_exceeded": sum(refused.values()),
        "quota_exceeded_by_method": dict(refused),
        "errors": dict(errors),
        "staleness": {
            "hours_measured": len(hours),
            "over_all_hours": {
                "p50": round(rank(every, 0.50), 2),
                "p95": round(rank(every, 0.95), 2),
                "max": round(max((h["max"] for h in hours), default=0.0), 2),
                "note": "every hour's staleness distribution pooled (a systematic sample of "
                "~200 videos per hour; the max is the true max over every video and hour)",
            },
            "worst_hour": worst and {k: worst[k] for k in ("at", "p50", "p95", "max", "over_24h")},
            "hourly_p50_median": statistics.median(h["p50"] for h in hours) if hours else 0.0,
            "hourly_p95": {
                "median": statistics.median(h["p95"] for h in hours) if hours else 0.0,
                "max": max((h["p95"] for h in hours), default=0.0),
            },
            "videos_over_24h": {
                "hours_with_any": sum(1 for h in hours if h["over_24h"]),
                "max_in_an_hour": max((h["over_24h"] for h in hours), default=0),
            },
        },
        "young": {
            "hours_with_young": len(young_hours),
            "hours_all_refreshed": len(covered),
            "share_of_hours": len(covered) / len(young_hours) if young_hours else 1.0,
            "share_of_video_hours": (
                sum(h["young_refreshed"] for h in young_hours) / young_total if young_total else 1.0
            ),
            "median_young_videos": statistics.median(h["young"] for h in young_hours)
            if young_hours
            else 0,
        },
        "plan_seconds": {
            "median": statistics.median(plan_seconds) if plan_seconds else 0.0,
            "max": max(plan_seconds, default=0.0),
            "runs": len(plan_seconds),
        },
        "chosen_per_run": {
            "median": statistics.median(r["chosen"] for r in runs if r["mode"] == "stats")
            if plan_seconds
            else 0,
            "left_max": max((r["left"] for r in runs if r["mode"] == "stats"), default=0),
        },
        "hours": [{k: v for k, v in h.items() if k != "sample"} for h in hours],
        "runs": runs,
    }


# -------------------------------------------------------------------------- capacity


def flat_day_units(world: World) -> dict[str, int]:
    """A day of the flat hourly refresh on ``world``, default bucket: one full crawl at its
    minimum plus 24 hourly runs of channels, the uploads playlists' first pages, the charts
    and every available video's statistics (⌈videos/50⌉ videos.list calls)."""
    pages = world.minimum_pages(world.as_of)
    hourly = pages["channels"] + len(world.tracked_channel_ids) + pages["charts"] + pages["videos"]
    return {
        "crawl": sum(pages.values()),
        "hourly": hourly,
        "day": sum(pages.values()) + 24 * hourly,
        "videos": len(world.available_video_ids()),
    }


def flat_capacity(limit: int, high: int, progress: Progress) -> dict[str, Any]:
    """The largest ``World.large(n)`` (to 1 %) whose flat day fits ``limit`` units: a
    bisection on the worlds' own page counts."""
    tried: dict[int, dict[str, int]] = {}

    def day(n: int) -> dict[str, int]:
        if n not in tried:
            tried[n] = flat_day_units(World.large(n, as_of=END))
        return tried[n]

    low = 100
    if day(low)["day"] > limit:
        return {"world_videos": 0, "available_videos": 0, "tried": tried}
    if day(high)["day"] <= limit:
        low = high
    while high - low > max(100, low // 100):
        middle = (low + high) // 2
        if day(middle)["day"] <= limit:
            low = middle
        else:
            high = middle
    progress(f"flat refresh: at most {low:,} world videos ({day(low)['videos']:,} available)")
    return {
        "world_videos": low,
        "available_videos": day(low)["videos"],
        "day_units": day(low),
        "tried": {str(n): v for n, v in sorted(tried.items())},
    }


def floor_checks(sim: dict[str, Any]) -> dict[str, bool]:
    """The planner's floor over the simulated days, check by check: p95 staleness ≤ 24 h over
    all hours pooled and in every hour, no video ever more than 24 h + one run interval stale
    (the floor can only be checked run by run), young videos fresh in ≥ 95 % of the hours, no
    quotaExceeded."""
    st = sim["staleness"]
    return {
        "p95_over_all_hours": st["over_all_hours"]["p95"] <= MAX_P95_STALENESS,
        "p95_every_hour": st["hourly_p95"]["max"] <= MAX_P95_STALENESS,
        "every_video_within_25h": st["over_all_hours"]["max"]
        <= MAX_P95_STALENESS + Policy().run_interval_hours,
        "young_hourly": sim["young"]["share_of_hours"] >= MIN_YOUNG_SHARE,
        "no_quota_exceeded": sim["quota_exceeded"] == 0,
    }


def planner_capacity(
    sim: dict[str, Any],
    world_videos: int,
    available: int,
    second: dict[str, Any] | None = None,
    second_videos: int = 0,
) -> dict[str, Any]:
    """What the planner keeps, from the simulation: the world scaled until its busiest day
    fills a bucket (the default bucket; the stats bucket minus the planner's reserve). Every
    cost is taken as growing in proportion to the videos, fixed costs (the charts) included:
    an underestimate. Whether the simulated days met the floor is said beside it
    (``floor_checks``): the capacity holds only as far as they did.

    With ``second`` (a shorter simulation of another world size, ``second_videos``), also the
    two-point line through both sizes' busiest days per bucket, where it crosses the limit."""
    per_day = sim["units_per_day"]
    reserve = Policy().reserve_units
    scale_default = DEFAULT_LIMIT / per_day["default"]["max"]
    scale_stats = (STATS_LIMIT - reserve) / max(1, per_day["stats"]["max"])
    scale = min(scale_default, scale_stats)
    checks = floor_checks(sim)
    found: dict[str, Any] = {
        "method": "proportional: the simulated world scaled by the smallest of limit / the "
        "busiest day's units, per bucket",
        "floor_met": all(checks.values()),
        "floor_checks": checks,
        "scale_default": scale_default,
        "scale_stats": scale_stats,
        "binding_bucket": "default" if scale_default <= scale_stats else "stats",
        "world_videos": int(world_videos * scale),
        "available_videos": int(available * scale),
        "measured_world_videos": world_videos,
        "measured_available_videos": available,
    }
    if second and second_videos and second_videos != world_videos:
        fit: dict[str, float | None] = {}
        for bucket, limit in (("default", DEFAULT_LIMIT), ("stats", STATS_LIMIT - reserve)):
            a, b = second["units_per_day"][bucket]["max"], per_day[bucket]["max"]
            slope = (b - a) / (world_videos - second_videos)
            fit[bucket] = world_videos + (limit - b) / slope if slope > 0 else None
        videos = min(v for v in fit.values() if v is not None)
        found["two_point_fit"] = {
            "second_world_videos": second_videos,
            "world_videos_at_limit": fit,
            "world_videos": int(videos),
            "available_videos": int(available * videos / world_videos),
        }
    return found


# ------------------------------------------------------------------------ end to end


@dataclass
class Warehouse:
    label: str
    conn: ConnectionInfo
    target: Path


def dbt(wh: Warehouse, args: list[str]) -> float:
    """One dbt call through the pipeline's in-process runner; its wall seconds."""
    from flows import transform

    started = time.perf_counter()
    summary = transform.invoke([*args, "--target-path", str(wh.target), "--quiet"], wh.conn)
    seconds = time.perf_counter() - started
    if not summary.success:
        failures = "; ".join(summary.failures) or "see dbt's log"
        raise BenchError(f"dbt {' '.join(args)} failed on {wh.label}: {failures}")
    return seconds


def first_build(wh: Warehouse) -> float:
    """``dbt parse``, the incremental models' empty relations when the project has unit
    tests (as ``bench.dbt_incremental`` does), then the first ``dbt build``."""
    from bench.dbt_incremental import has_unit_tests

    dbt(wh, ["parse"])
    if has_unit_tests(wh.target):
        dbt(wh, ["run", "--select", "+config.materialized:incremental", "--empty"])
    seconds = dbt(wh, ["build"])
    execute(wh.conn, "vacuum (analyze)")
    return seconds


class EndToEnd:
    """The real extractor against the HTTP emulator, a frozen clock moved run by run."""

    def __init__(self, world: World, conn: ConnectionInfo) -> None:
        self.world = world
        self.conn = conn
        self.clock = Clock(START, frozen=True)
        self.server = EmulatorServer(
            PublishedSoFar.of(world, self.clock),
            self.clock,
            daily_quota=DEFAULT_LIMIT,
            stats_daily_quota=STATS_LIMIT,
        ).start()
        self.settings = Settings(
            api_key=API_KEY,
            api_url=self.server.url,
            channel_ids=world.tracked_channel_ids,
            regions=world.region_codes,
            timeout_seconds=120,
        )
        self.runs: list[dict[str, Any]] = []
        self.hours: list[dict[str, Any]] = []
        self._available = Available(world)

    def close(self) -> None:
        self.server.stop()

    def available(self, at: datetime) -> dict[str, datetime]:
        return self._available.at(at)

    def _quota(self) -> tuple[dict[str, int], int]:
        buckets = self.server.quota()["buckets"]
        return {b: buckets[b]["total"] for b in buckets}, sum(
            buckets[b]["refused"] for b in buckets
        )

    def states(self) -> dict[str, VideoState]:
        """The planner's state as the warehouse holds it (the capture times only)."""
        rows = query(
            self.conn,
            "select video_id, last_captured_at from raw_youtube.video_refresh_state",
        )
        return {vid: VideoState(vid, last_captured_at=at) for vid, at in rows}

    def run(self, at: datetime, mode: str) -> dict[str, Any]:
        from extract.run import run_extract

        self.clock.set(at)
        available = self.available(at)
        hour = hour_record(self.states(), available, at) if mode == "stats" else None
        units, refused = self._quota()
        started = time.perf_counter()
        result = run_extract(self.settings, self.conn, mode=mode)
        seconds = time.perf_counter() - started
        after, refused_after = self._quota()
        record = {
            "at": at.isoformat(),
            "mode": mode,
            "status": result.status,
            "failures": result.failures[:5],
            "pacific_day": at.astimezone(PACIFIC).date().isoformat(),
            "units": {b: after[b] - units[b] for b in ("default", "stats")},
            "quota_exceeded": refused_after - refused,
            "seconds": seconds,
            "plan_seconds": 0.0,
            "chosen": 0,
            "left": 0,
        }
        if hour is not None:
            states = self.states()
            young, fresh = young_refreshed(states, available, at, at, Policy().young_hours)
            hour.update(young=young, young_refreshed=fresh)
            self.hours.append(hour)
        self.runs.append(record)
        return record


def truth_views(world: World, video_id: str, at: datetime) -> int:
    return int(world.true_statistics(video_id, at)["viewCount"] or 0)


def error_summary(pairs: list[tuple[int, int]]) -> dict[str, Any]:
    """(measured, truth) pairs: median and p95 absolute relative error (truth > 0), share
    exactly right, and the totals."""
    relative = sorted(abs(m - t) / t for m, t in pairs if t > 0)
    return {
        "count": len(pairs),
        "median_abs_relative_error": rank(relative, 0.50),
        "p95_abs_relative_error": rank(relative, 0.95),
        "share_exact": sum(1 for m, t in pairs if m == t) / len(pairs) if pairs else 0.0,
        "measured_total": sum(m for m, _ in pairs),
        "truth_total": sum(t for _, t in pairs),
    }


def gain_errors(conn: ConnectionInfo, world: World, window_end: datetime) -> dict[str, Any]:
    """The marts' view gains against the emulator's truth.

    Daily (``marts.video_daily_stats``, rows with a gain): against the calendar day's truth
    (views at the end of the UTC day, or at the last run for the last day, minus the same at
    the end of ``previous_stats_date``), single-day and multi-day gains apart; and against
    the truth between the two captures the gain was computed from (exact if the pipeline
    lost nothing). Monthly (``marts.video_monthly_stats``): each month that starts inside the
    window, for the videos captured before and after its start: the month's truth (views at
    its end, or at the last run, minus views at its start) against the mart's gain.
    """
    tracked = set(world.tracked_channel_ids)
    rows = query(
        conn,
        """select d.video_id, d.stats_date, d.previous_stats_date, d.gain_days,
                  d.is_multi_day_gain, d.views_gained, d.last_captured_at, p.last_captured_at
           from marts.video_daily_stats d
           left join marts.video_daily_stats p
             on p.video_id = d.video_id and p.stats_date = d.previous_stats_date
           where d.views_gained is not null""",
    )

    def day_end(day: Any) -> datetime:
        at = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
        return min(at, window_end)

    single, multi, captured = [], [], []
    for video_id, day, previous, _, is_multi, gained, last, previous_last in rows:
        if video_id not in world.videos or world.videos[video_id].channel_id not in tracked:
            continue
        truth = truth_views(world, video_id, day_end(day)) - truth_views(
            world, video_id, day_end(previous)
        )
        (multi if is_multi else single).append((int(gained), truth))
        if previous_last is not None:
            exact = truth_views(world, video_id, last) - truth_views(world, video_id, previous_last)
            captured.append((int(gained), exact))
    months = query(
        conn,
        """select m.video_id, m.month, m.views_gained, f.first_date
           from marts.video_monthly_stats m
           join (select video_id, min(stats_date) as first_date
                 from marts.video_daily_stats group by video_id) f using (video_id)
           where m.views_gained is not null""",
    )
    start = START
    monthly: dict[str, list[tuple[int, int]]] = {}
    for video_id, month, gained, first_date in months:
        month_start = datetime(month.year, month.month, 1, tzinfo=UTC)
        if month_start <= start or first_date >= month:  # not captured before its start
            continue
        if video_id not in world.videos or world.videos[video_id].channel_id not in tracked:
            continue
        following = datetime(month.year + (month.month == 12), month.month % 12 + 1, 1, tzinfo=UTC)
        end = min(following, window_end)
        truth = truth_views(world, video_id, end) - truth_views(world, video_id, month_start)
        monthly.setdefault(month.isoformat(), []).append((int(gained), truth))
    return {
        "daily_single_day": error_summary(single),
        "daily_multi_day": error_summary(multi),
        "daily_vs_capture_span": error_summary(captured),
        "monthly": {month: error_summary(pairs) for month, pairs in sorted(monthly.items())},
        "window_end": window_end.isoformat(),
    }


def flat_warehouse(
    admin: ConnectionInfo, workdir: Path, videos: int, hours: int, progress: Progress
) -> tuple[Warehouse, Any, dict[str, Any]]:
    """A warehouse of ``videos`` refreshed flat (``bench.history``: every video every hour)
    for ``hours``, built."""
    from bench.history import HISTORY_END, Catalogue, CatalogueSpec, History, has_quota_ledger
    from extract.load import RawStore

    conn = create_database(admin, f"flat_{uuid.uuid4().hex[:8]}")
    store = RawStore(conn)
    try:
        store.ensure_schema()
    finally:
        store.close()
    wh = Warehouse("flat", conn, workdir / "target-flat")
    spec = CatalogueSpec(videos=videos, channels=max(1, videos // 540))
    first = HISTORY_END - timedelta(hours=hours - 1)
    history = History(Catalogue.generate(spec, first), hours)
    ledger = has_quota_ledger(conn)
    landed = history.land(conn, range(hours), quota_ledger=ledger)
    execute(conn, "vacuum (analyze)")
    progress(f"flat {videos:,}: {landed.total_rows:,} raw rows landed; first dbt build")
    build = first_build(wh)
    return (
        wh,
        history,
        {
            "raw_rows": landed.total_rows,
            "first_build_seconds": build,
            "quota_ledger": ledger,
        },
    )


def interleaved_builds(
    planner: Warehouse,
    e2e: EndToEnd,
    next_run: datetime,
    flat: Warehouse,
    history: Any,
    flat_ledger: bool,
    rounds: int,
    progress: Progress,
) -> dict[str, Any]:
    """Rounds of: the planner's warehouse (one more stats run, then ``dbt build``) and the
    flat one (one more capture landed, then ``dbt build``), alternating which goes first;
    only the builds are timed. A first round warms both up and is not counted."""
    times: dict[str, list[float]] = {"planner": [], "flat": []}
    at = next_run
    for number in range(rounds + 1):
        order = ("planner", "flat") if number % 2 == 0 else ("flat", "planner")
        for which in order:
            if which == "planner":
                e2e.run(at, "stats")
                at += HOUR
                seconds = dbt(planner, ["build"])
            else:
                hour = history.hours + number
                history.land(flat.conn, range(hour, hour + 1), quota_ledger=flat_ledger)
                seconds = dbt(flat, ["build"])
            if number:
                times[which].append(seconds)
            progress(f"hourly dbt build, {which}{'' if number else ' (warm-up)'}: {seconds:.1f} s")
    medians = {k: statistics.median(v) for k, v in times.items()}
    return {
        "planner_seconds": times["planner"],
        "flat_seconds": times["flat"],
        "median": medians,
        "ratio": medians["planner"] / medians["flat"],
    }


def end_to_end(
    admin: ConnectionInfo, workdir: Path, sizes: Sizes, progress: Progress
) -> dict[str, Any]:
    """The real extractor for ``sizes.e2e_hours`` against the emulator, ``dbt build``, the
    marts' gains against the truth, then the hourly builds interleaved with a flat
    warehouse's."""
    world = World.large(sizes.e2e_videos, as_of=END)
    conn = create_database(admin, f"e2e_{uuid.uuid4().hex[:8]}")
    e2e = EndToEnd(world, conn)
    started = time.perf_counter()
    try:
        plan = schedule(START, sizes.e2e_hours)
        for at, mode in plan:
            record = e2e.run(at, mode)
            if record["status"] != "succeeded":
                raise BenchError(f"{mode} run at {at} {record['status']}: {record['failures']}")
            if mode == "full" or at.hour % 6 == 0:
                progress(
                    f"e2e {sizes.e2e_videos:,}: {at:%Y-%m-%d %H:%M} {mode}: {record['units']} "
                    f"units, {record['seconds']:.1f} s "
                    f"({time.perf_counter() - started:.0f} s so far)"
                )
        extract_seconds = time.perf_counter() - started
        last_run = plan[-1][0]
        wh = Warehouse("planner", conn, workdir / "target-planner")
        progress("e2e: first dbt build")
        build = first_build(wh)
        progress(f"e2e: first dbt build {build:.1f} s; gains against the truth")
        try:
            gains = gain_errors(conn, world, last_run)
        except Exception as exc:  # a report, not worth losing the run's other numbers
            progress(f"e2e: gains could not be compared: {exc!r}")
            gains = {"error": repr(exc)}
        summary = summarize_runs(e2e.runs, e2e.hours, Counter(), Counter())
        summary["quota_exceeded"] = sum(r["quota_exceeded"] for r in e2e.runs)
        builds: dict[str, Any] | None = None
        flat_facts: dict[str, Any] = {}
        if sizes.build_rounds:
            try:
                flat, history, flat_facts = flat_warehouse(
                    admin, workdir, sizes.flat_videos, sizes.flat_hours, progress
                )
                builds = interleaved_builds(
                    wh,
                    e2e,
                    last_run + HOUR,
                    flat,
                    history,
                    flat_facts["quota_ledger"],
                    sizes.build_rounds,
                    progress,
                )
            except Exception as exc:  # keep the end-to-end numbers measured so far
                progress(f"hourly builds failed: {exc!r}")
                flat_facts = {"error": repr(exc)}
    finally:
        e2e.close()
    rows = query(conn, "select count(*) from marts.video_stats")[0][0]
    return {
        "world": world_facts(world),
        "hours": sizes.e2e_hours,
        "extract_seconds": extract_seconds,
        "first_build_seconds": build,
        "video_stats_rows": rows,
        "summary": summary,
        "gains": gains,
        "flat_warehouse": {"videos": sizes.flat_videos, "hours": sizes.flat_hours, **flat_facts},
        "builds": builds,
        "seconds": time.perf_counter() - started,
    }


def world_facts(world: World) -> dict[str, Any]:
    return {
        "videos": len(world.videos),
        "tracked_channels": len(world.tracked_channel_ids),
        "available_videos_at_end": len(world.available_video_ids()),
        "available_videos_at_start": len(available_at(world, START)),
        "regions": len(world.region_codes),
        "as_of": world.as_of.isoformat(),
    }


def comparison(e2e: dict[str, Any], sim: dict[str, Any]) -> dict[str, Any]:
    """The end-to-end days against the simulation of the same world and hours."""

    def pick(s: dict[str, Any]) -> dict[str, Any]:
        days = s["days"]
        return {
            "units_by_day": days,
            "units_total": {b: sum(d[b] for d in days.values()) for b in ("default", "stats")},
            # medians over the hours of each hour's p50 and p95, and the max
            "staleness_p50_p95_max": [
                s["staleness"]["hourly_p50_median"],
                s["staleness"]["hourly_p95"]["median"],
                s["staleness"]["over_all_hours"]["max"],
            ],
            "worst_hour_p95": s["staleness"]["hourly_p95"]["max"],
            "young_share_of_hours": s["young"]["share_of_hours"],
            "young_share_of_video_hours": s["young"]["share_of_video_hours"],
            "quota_exceeded": s["quota_exceeded"],
        }

    ours, theirs = pick(e2e["summary"]), pick(sim)
    total_e2e = sum(ours["units_total"].values())
    total_sim = sum(theirs["units_total"].values())
    return {
        "end_to_end": ours,
        "simulation": theirs,
        "units_ratio": total_e2e / total_sim if total_sim else float("nan"),
    }


def run_benchmark(
    admin: ConnectionInfo,
    workdir: Path,
    sizes: Sizes,
    progress: Progress,
    e2e: bool = True,
    earlier: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The simulation (or ``earlier``'s, a results file of this benchmark at the same sizes),
    the capacities, then the end-to-end days."""
    started = time.perf_counter()
    if earlier is not None:
        progress(f"simulation and capacities from an earlier run ({earlier['machine']['date']})")
        result = {k: earlier[k] for k in ("benchmark", "parameters", "world", "simulation")}
        result["simulation_from"] = {
            "date": earlier["machine"]["date"],
            "total_seconds": earlier.get("total_seconds"),
        }
        result["mode"] = sizes.mode
        if e2e:
            result["parameters"].update(
                {
                    k: v
                    for k, v in dataclasses.asdict(sizes).items()
                    if k.startswith(("e2e", "flat", "build"))
                }
            )
        world = None
    else:
        progress(f"world of {sizes.videos:,} videos")
        world = World.large(sizes.videos, as_of=END)
        sim = simulate(world, START, sizes.days * 24, progress, f"simulation {sizes.videos:,}")
        result = {
            "benchmark": "refresh",
            "mode": sizes.mode,
            "parameters": {
                **dataclasses.asdict(sizes),
                "start": START.isoformat(),
                "as_of": END.isoformat(),
                "policy": dataclasses.asdict(Policy()),
                "limits": {"default": DEFAULT_LIMIT, "stats": STATS_LIMIT},
            },
            "world": world_facts(world),
            "simulation": sim,
        }
    sim = result["simulation"]
    if earlier is not None and "flat_capacity" in earlier:
        result["flat_capacity"] = earlier["flat_capacity"]
    else:
        result["flat_capacity"] = flat_capacity(DEFAULT_LIMIT, sizes.videos, progress)
    if not e2e and earlier is not None and "end_to_end" in earlier:
        result["end_to_end"] = earlier["end_to_end"]
        sizes = dataclasses.replace(
            sizes,
            **{
                k: earlier["parameters"][k]
                for k in ("e2e_videos", "e2e_hours")
                if k in earlier["parameters"]
            },
        )
    if e2e:
        result["end_to_end"] = end_to_end(admin, workdir, sizes, progress)
        window = START + timedelta(hours=sizes.e2e_hours)
        if sizes.e2e_videos == sizes.videos and sizes.e2e_hours <= sizes.days * 24:
            runs = [r for r in sim["runs"] if datetime.fromisoformat(r["at"]) < window]
            hours = [h for h in sim["hours"] if datetime.fromisoformat(h["at"]) < window]
            hours = [{**h, "sample": []} for h in hours]  # no samples kept: use the hourly p50s
            short = summarize_runs(runs, hours, Counter(), Counter())
            short["quota_exceeded"] = sum(r["quota_exceeded"] for r in runs)
            short["from_main_simulation"] = True
        else:
            progress("simulation of the end-to-end world and hours")
            e2e_world = World.large(sizes.e2e_videos, as_of=END)
            short = simulate(e2e_world, START, sizes.e2e_hours, progress, "simulation (e2e)")
        result["end_to_end"]["simulation_same_days"] = {
            k: v for k, v in short.items() if k not in ("runs", "hours")
        }
        result["end_to_end"]["comparison"] = comparison(result["end_to_end"], short)
    result["planner_capacity"] = planner_capacity(
        sim,
        result["parameters"]["videos"],
        result["world"]["available_videos_at_end"],
        result.get("end_to_end", {}).get("simulation_same_days"),
        sizes.e2e_videos,
    )
    flat_kept = result["flat_capacity"]["available_videos"]
    kept = result["planner_capacity"]["available_videos"]
    result["capacity_ratio"] = kept / flat_kept if flat_kept else float("inf")
    result["targets"] = targets(result)
    result["meets_targets"] = all(t["ok"] for t in result["targets"].values())
    if earlier is not None and not e2e:  # only the summaries recomputed: the earlier machine
        result["machine"] = earlier["machine"]
        result["total_seconds"] = earlier["total_seconds"]
        result["summaries_recomputed"] = datetime.now(UTC).isoformat(timespec="seconds")
    else:
        result["machine"] = machine_facts(admin)
        result["total_seconds"] = time.perf_counter() - started
    return result


def targets(r: dict[str, Any]) -> dict[str, dict[str, Any]]:
    sim = r["simulation"]
    found = {
        "quota_exceeded": {"value": sim["quota_exceeded"], "target": 0},
        "staleness_p95_hours": {
            "value": sim["staleness"]["over_all_hours"]["p95"],
            "target": MAX_P95_STALENESS,
        },
        "young_share_of_hours": {
            "value": sim["young"]["share_of_hours"],
            "target": MIN_YOUNG_SHARE,
        },
        "capacity_ratio": {"value": r["capacity_ratio"], "target": MIN_CAPACITY_RATIO},
        "plan_seconds_max": {"value": sim["plan_seconds"]["max"], "target": MAX_PLAN_SECONDS},
    }
    found["quota_exceeded"]["ok"] = sim["quota_exceeded"] == 0
    found["staleness_p95_hours"]["ok"] = found["staleness_p95_hours"]["value"] <= MAX_P95_STALENESS
    found["young_share_of_hours"]["ok"] = found["young_share_of_hours"]["value"] >= MIN_YOUNG_SHARE
    found["capacity_ratio"]["ok"] = r["capacity_ratio"] >= MIN_CAPACITY_RATIO
    found["plan_seconds_max"]["ok"] = sim["plan_seconds"]["max"] < MAX_PLAN_SECONDS
    if "end_to_end" in r and r["end_to_end"]["builds"]:
        ratio = r["end_to_end"]["builds"]["ratio"]
        found["build_ratio"] = {
            "value": ratio,
            "target": MAX_BUILD_RATIO,
            "ok": ratio <= MAX_BUILD_RATIO,
        }
        exceeded = r["end_to_end"]["summary"]["quota_exceeded"]
        found["e2e_quota_exceeded"] = {"value": exceeded, "target": 0, "ok": exceeded == 0}
    return found


# -------------------------------------------------------------------------------- report


def _ok(flag: bool) -> str:
    return "✔" if flag else "✘ **missed**"


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def table_rows(r: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(item, measure, result, target) rows, shared with ``python -m bench``'s table."""
    sim, t = r["simulation"], r["targets"]
    n = r["parameters"]["videos"]
    days = r["parameters"]["days"]
    per_day = sim["units_per_day"]
    st = sim["staleness"]
    rows = [
        (
            "1 units",
            f"units a day, default / stats bucket (median, max of {sim['whole_days']} whole "
            f"Pacific days; simulation, {n:,} videos, {days} days)",
            f"{per_day['default']['median']:,.0f}, {per_day['default']['max']:,} / "
            f"{per_day['stats']['median']:,.0f}, {per_day['stats']['max']:,}",
            f"≤ {DEFAULT_LIMIT:,} / ≤ {STATS_LIMIT:,}",
        ),
        (
            "",
            "quotaExceeded answers (simulation; end to end)",
            f"{sim['quota_exceeded']}"
            + (f"; {r['end_to_end']['summary']['quota_exceeded']}" if "end_to_end" in r else ""),
            f"0: {_ok(t['quota_exceeded']['ok'])}",
        ),
        (
            "2 staleness",
            "hours since the last capture, available videos, all hours pooled: p50 / p95 / max",
            f"{st['over_all_hours']['p50']:.1f} / {st['over_all_hours']['p95']:.1f} / "
            f"{st['over_all_hours']['max']:.1f} h",
            f"p95 ≤ 24 h: {_ok(t['staleness_p95_hours']['ok'])}",
        ),
        (
            "",
            f"the worst hour ({st['worst_hour']['at'][:16]}): p50 / p95 / max; videos over "
            "24 h in the worst hour",
            f"{st['worst_hour']['p50']:.1f} / {st['worst_hour']['p95']:.1f} / "
            f"{st['worst_hour']['max']:.1f} h; {st['videos_over_24h']['max_in_an_hour']:,}",
            f"p95 ≤ 24 h every hour: {_ok(st['hourly_p95']['max'] <= MAX_P95_STALENESS)}",
        ),
        (
            "3 young",
            "hours in which every video younger than 48 h got fresh counts (share of video-hours)",
            f"{_pct(sim['young']['share_of_hours'])} "
            f"({100 * sim['young']['share_of_video_hours']:.3f} %)",
            f"≥ 95 %: {_ok(t['young_share_of_hours']['ok'])}",
        ),
    ]
    if "end_to_end" in r and "error" not in r["end_to_end"]["gains"]:
        e = r["end_to_end"]
        g = e["gains"]
        single, multi = g["daily_single_day"], g["daily_multi_day"]
        rows.append(
            (
                "4 gains",
                f"daily view gains vs the calendar day's truth (end to end, "
                f"{e['world']['videos']:,} videos): median / p95 abs. relative error, share "
                f"exact; single-day ({single['count']:,}) · multi-day ({multi['count']:,})",
                f"{_pct(single['median_abs_relative_error'])} / "
                f"{_pct(single['p95_abs_relative_error'])}, {_pct(single['share_exact'])} · "
                f"{_pct(multi['median_abs_relative_error'])} / "
                f"{_pct(multi['p95_abs_relative_error'])}, {_pct(multi['share_exact'])}",
                "(report)",
            )
        )
        span = g["daily_vs_capture_span"]
        rows.append(
            (
                "",
                "daily view gains vs the truth between the two captures they come from",
                f"{_pct(span['share_exact'])} exact of {span['count']:,}",
                "",
            )
        )
        for month, m in g["monthly"].items():
            ratio = m["measured_total"] / m["truth_total"] if m["truth_total"] else float("nan")
            rows.append(
                (
                    "",
                    f"monthly view gains {month[:7]} ({m['count']:,} videos captured on both "
                    "sides of its start): median / p95 abs. relative error; sum vs truth",
                    f"{_pct(m['median_abs_relative_error'])} / "
                    f"{_pct(m['p95_abs_relative_error'])}; {ratio:.4f}",
                    "(report)",
                )
            )
    pc, fc = r["planner_capacity"], r["flat_capacity"]
    rows.append(
        (
            "5 capacity",
            "available videos kept: planner (the simulated world scaled to its binding bucket, "
            f"{pc['binding_bucket']}; floor met in the 30 days: "
            + (
                "yes"
                if pc["floor_met"]
                else "not every check: "
                + ", ".join(k for k, v in pc["floor_checks"].items() if not v)
            )
            + ") / flat hourly refresh (default bucket)",
            f"{pc['available_videos']:,} / {fc['available_videos']:,} = {r['capacity_ratio']:.2f}×",
            f"≥ 7×: {_ok(t['capacity_ratio']['ok'])}",
        )
    )
    rows.append(
        (
            "6 time",
            f"plan_refresh at {n:,} videos: median / max over {sim['plan_seconds']['runs']} runs",
            f"{sim['plan_seconds']['median']:.3f} / {sim['plan_seconds']['max']:.3f} s",
            f"< 2 s: {_ok(t['plan_seconds_max']['ok'])}",
        )
    )
    if "end_to_end" in r and r["end_to_end"]["builds"]:
        b = r["end_to_end"]["builds"]
        e = r["end_to_end"]
        rows.append(
            (
                "",
                f"hourly `dbt build`: {e['world']['videos']:,} videos with the planner / "
                f"{e['flat_warehouse']['videos']:,} refreshed flat (medians, interleaved)",
                f"{b['median']['planner']:.1f} / {b['median']['flat']:.1f} s = {b['ratio']:.2f}×",
                f"≤ 2×: {_ok(t['build_ratio']['ok'])}",
            )
        )
    return rows


def render_markdown(r: dict[str, Any]) -> str:
    lines = [
        "## The refresh planner: quota, staleness, gains, capacity, time",
        "",
        machine_line(r["machine"]),
        "",
        "| # | measure | result | target |",
        "|---|---|---|---|",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in table_rows(r)]
    if "end_to_end" in r:
        c = r["end_to_end"]["comparison"]
        e, s = c["end_to_end"], c["simulation"]
        lines += [
            "",
            f"End to end ({r['end_to_end']['world']['videos']:,} videos, "
            f"{r['end_to_end']['hours']} h) vs the simulation of the same world and hours:",
            "",
            "| | units default / stats | staleness: median hourly p50 / median hourly p95 / "
            "max (h) | young: hours / "
            "video-hours | quotaExceeded |",
            "|---|---:|---:|---:|---:|",
        ]
        for name, x in (("end to end", e), ("simulation", s)):
            lines.append(
                f"| {name} | {x['units_total']['default']:,} / {x['units_total']['stats']:,} | "
                + " / ".join(f"{v:.1f}" for v in x["staleness_p50_p95_max"])
                + f" | {_pct(x['young_share_of_hours'])} / "
                f"{_pct(x['young_share_of_video_hours'])} | {x['quota_exceeded']} |"
            )
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.refresh", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--smoke", action="store_true", help="tiny sizes (results not kept)")
    parser.add_argument("--videos", type=int, help="simulated world (default 100,000)")
    parser.add_argument("--days", type=int, help="simulated days (default 30)")
    parser.add_argument("--e2e-videos", type=int, help="end-to-end world (default 50,000)")
    parser.add_argument("--e2e-hours", type=int, help="end-to-end hours (default 72)")
    parser.add_argument("--build-rounds", type=int, help="interleaved hourly builds (default 3)")
    parser.add_argument("--flat-videos", type=int, help="the flat warehouse (default 5,400)")
    parser.add_argument("--flat-hours", type=int, help="its hourly captures (default 72)")
    parser.add_argument("--no-e2e", action="store_true", help="the simulation only")
    parser.add_argument(
        "--simulation-from",
        type=Path,
        help="take the simulation and the flat capacity from this results file (of this "
        "benchmark, same sizes) and run the end-to-end part only",
    )
    parser.add_argument("--workdir", type=Path, help="where the throwaway folders go")
    parser.add_argument("--output", type=Path, help="results JSON (default bench/results/)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = SMOKE if args.smoke else Sizes()
    custom = {
        k: v
        for k, v in (
            ("videos", args.videos),
            ("days", args.days),
            ("e2e_videos", args.e2e_videos),
            ("e2e_hours", args.e2e_hours),
            ("build_rounds", args.build_rounds),
            ("flat_videos", args.flat_videos),
            ("flat_hours", args.flat_hours),
        )
        if v is not None
    }
    if custom:
        sizes = dataclasses.replace(sizes, **custom, mode="custom" if not args.smoke else "smoke")
    progress = stderr_progress()
    earlier = json.loads(args.simulation_from.read_text()) if args.simulation_from else None
    with isolated_cluster(args.workdir) as (admin, workdir):
        try:
            result = run_benchmark(
                admin, workdir, sizes, progress, e2e=not args.no_e2e, earlier=earlier
            )
        except BenchError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    publish(render_markdown(result), result, results_path("refresh", sizes.mode, args.output))
    return 1 if args.strict and not result["meets_targets"] else 0


if __name__ == "__main__":
    sys.exit(main())
