"""The refresh planner (pure): policy, priority, pacing, and its speed on 100,000 videos."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

import pytest

from extract.planner import (
    Policy,
    metadata_due,
    plan_refresh,
    share_units,
    staleness,
    to_describe,
)
from extract.quota import next_reset
from extract.refresh_state import VideoState, apply_item, apply_missing

H = timedelta(hours=1)
# 10:00 Pacific: 14 hours (runs) to the reset
NOW = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
POLICY = Policy(reserve_units=0)


def video(
    video_id: str,
    age_hours: float = 1000,
    stale_hours: float | None = 1,
    views: tuple[int, int] = (1000, 1000),
    gap_hours: float = 1,
    charted_hours_ago: float | None = None,
    available: bool = True,
) -> VideoState:
    last = NOW - stale_hours * H if stale_hours is not None else None
    return VideoState(
        video_id,
        published_at=NOW - age_hours * H,
        is_available=available,
        availability_checked_at=last or NOW - 2 * H,
        last_captured_at=last,
        last_view_count=views[1] if last else None,
        previous_captured_at=last - gap_hours * H if last else None,
        previous_view_count=views[0] if last else None,
        last_charted_at=NOW - charted_hours_ago * H if charted_hours_ago is not None else None,
        metadata_captured_at=last,
    )


def by_id(plan):
    return {row.video_id: row for row in plan.rows}


def test_reasons_and_when_each_is_due() -> None:
    states = [
        video("young", age_hours=10, stale_hours=0.9),
        video("young-just-done", age_hours=10, stale_hours=0.2),
        video("charted", charted_hours_ago=1, stale_hours=0.9),
        video("charted-long-ago", charted_hours_ago=30, stale_hours=2),
        video("new", stale_hours=None),
        video("fast", stale_hours=3, views=(0, 24_000), gap_hours=1),  # 24,000/h: every hour
        video("slowish", stale_hours=3, views=(0, 1_500), gap_hours=1),  # 16 h interval
        video("floor", stale_hours=25),
        video("floor-fresh", stale_hours=23),
        video("gone", stale_hours=200, available=False),
        video("gone-recently", stale_hours=10, available=False),
    ]
    plan = by_id(plan_refresh(states, NOW, 10_000, 0, POLICY))
    assert {v: r.reason for v, r in plan.items()} == {
        "young": "young",
        "charted": "charted",
        "new": "new",
        "fast": "fast",
        "floor": "floor",
        "gone": "recheck",
    }
    assert all(r.chosen for r in plan.values())
    assert plan["young"].next_due_at == NOW + H and plan["floor"].next_due_at == NOW + 24 * H
    assert plan["fast"].next_due_at == NOW + H
    assert plan["gone"].next_due_at == NOW + 168 * H
    assert plan["floor"].hours_stale == pytest.approx(25) and plan["new"].hours_stale is None


def test_velocity_uses_the_real_time_between_captures() -> None:
    # 3,000 views in 3 hours is 1,000/h (not fast), in 1 hour 3,000/h (fast: every 8 h)
    slow = video("slow", stale_hours=9, views=(0, 3000), gap_hours=3)
    fast = video("fast", stale_hours=9, views=(0, 3000), gap_hours=1)
    plan = by_id(plan_refresh([slow, fast], NOW, 10_000, 0, POLICY))
    assert "slow" not in plan  # floor: due in 15 h
    assert plan["fast"].reason == "fast" and plan["fast"].due_at == NOW - H


def test_a_tight_share_keeps_the_priority_and_records_what_waits() -> None:
    states = [video(f"floor{i:03}", stale_hours=24 + i / 10) for i in range(100)]
    states += [video(f"young{i:03}", age_hours=5, stale_hours=1) for i in range(30)]
    states += [video(f"charted{i:03}", charted_hours_ago=0.5) for i in range(30)]
    states += [video(f"new{i:03}", stale_hours=None) for i in range(30)]
    states += [video(f"overdue{i:03}", stale_hours=40 + i) for i in range(30)]
    states += [video(f"gone{i:03}", stale_hours=300, available=False) for i in range(30)]
    # 14 runs to the reset: 28 units left -> 2 units this run, 100 videos
    plan = plan_refresh(states, NOW, 10_000, 10_000 - 28, POLICY)
    assert (plan.share_units, plan.runs_left) == (2, 14)
    chosen = plan.chosen_ids
    assert len(chosen) == 100 and plan.units == 2
    assert chosen[:90] == sorted(
        chosen[:90], key=lambda v: ("yc".index(v[0]) if v[0] in "yc" else 2, v)
    )
    assert {v[:-3] for v in chosen} == {"young", "charted", "new", "overdue"}
    # the most overdue first among the overdue
    assert chosen[90:] == [f"overdue{i:03}" for i in range(29, 19, -1)]
    waiting = [row for row in plan.rows if not row.chosen]
    assert len(waiting) == len(plan.rows) - 100 == 20 + 100 + 30
    assert all(row.hours_stale is not None and row.hours_stale >= 24 for row in waiting)
    assert all(row.next_due_at == NOW + H for row in waiting)  # the next run
    assert "due but left for later" in plan.describe()


def test_the_summary_counts_reasons_units_and_staleness_for_the_run_report() -> None:
    states = [video(f"floor{i:03}", stale_hours=24 + i / 10) for i in range(60)]
    states += [video(f"young{i:03}", age_hours=5, stale_hours=1) for i in range(10)]
    states += [video("gone", stale_hours=100, available=False)]
    plan = plan_refresh(states, NOW, 10_000, 10_000 - 14, POLICY)  # 1 unit: 50 videos
    summary = plan.summary(states, NOW)
    assert summary["planned_units"] == 1 and summary["units_left_today"] == 14
    assert summary["refreshed_by_reason"] == {"young": 10, "floor": 40}
    assert summary["left_by_reason"] == {"floor": 20}
    # nearest rank over the 70 available videos (the unavailable one is left out)
    hours = sorted([1.0] * 10 + [round(24 + i / 10, 1) for i in range(60)])
    assert summary["staleness_hours"] == {"p50": hours[34], "p95": hours[66], "max": 29.9}
    assert staleness([video("never", stale_hours=None)], NOW) == {
        "p50": None,
        "p95": None,
        "max": None,
    }


def test_young_and_charted_are_refreshed_every_run() -> None:
    states = {
        "young": video("young", age_hours=3, stale_hours=None),
        "charted": video("charted", charted_hours_ago=0, stale_hours=None),
    }
    now = NOW
    for _ in range(5):
        plan = plan_refresh(states.values(), now, 10_000, 0, POLICY)
        assert sorted(plan.chosen_ids) == ["charted", "young"]
        captured = now + timedelta(seconds=20)
        for state in states.values():
            apply_item(
                states, "video_batch_stats", {"id": state.video_id, "statistics": {}}, captured
            )
        states["charted"].last_charted_at = captured
        now += H - timedelta(seconds=5)  # runs a little less than an hour apart


def test_a_chart_counts_for_the_charted_hours_whatever_the_seconds() -> None:
    """A chart two runs ago counts, a few seconds either way (capture times are whole
    seconds, runs start a little off the hour); one three runs ago does not."""
    for seconds in (-30, 0, 30):
        states = [
            video("two-runs", charted_hours_ago=2 + seconds / 3600, stale_hours=1),
            video("three-runs", charted_hours_ago=3 + seconds / 3600, stale_hours=1),
        ]
        plan = plan_refresh(states, NOW, 10_000, 0, POLICY)
        assert plan.chosen_ids == ["two-runs"], seconds


def test_floor_is_met_when_the_budget_allows() -> None:
    states = [video(f"v{i:04}", stale_hours=24 + (i % 7)) for i in range(5000)]
    plan = plan_refresh(states, NOW, 10_000, 0, POLICY)
    assert len(plan.chosen_ids) == 5000 and all(r.chosen for r in plan.rows)
    assert plan.units == 100 <= plan.share_units


def test_pacing_spreads_the_bucket_to_the_reset_and_keeps_the_reserve() -> None:
    policy = Policy(reserve_units=200, runs_per_hour=2)
    share, left, runs = share_units(10_000, 1_000, NOW, policy)
    assert (left, runs) == (9_000, 28) and share == (9_000 - 200) // 28
    assert share_units(10_000, 9_900, NOW, policy)[0] == 0  # within the reserve: nothing
    last_run = next_reset(NOW) - 10 * timedelta(minutes=1)
    assert share_units(10_000, 1_000, last_run, policy) == (8_800, 9_000, 1)


def test_metadata_is_spread_over_its_period() -> None:
    states = [video(f"v{i:03}", stale_hours=1) for i in range(336)]
    for i, state in enumerate(states):
        state.metadata_captured_at = NOW - (100 + i) * H
    due = metadata_due(states, NOW, POLICY)
    assert due == [f"v{i:03}" for i in range(335, 333, -1)]  # 336 / 168 runs: 2, oldest first
    known = {s.video_id: s for s in states}
    assert to_describe(known, ["v001", "fresh"]) == ["fresh"]


def test_state_folding_is_order_independent_and_idempotent() -> None:
    at = [NOW - k * H for k in range(4)]
    events = [
        (
            "videos",
            {
                "id": "a",
                "snippet": {"publishedAt": "2026-10-01T00:00:00Z"},
                "statistics": {"viewCount": "10"},
            },
            at[3],
        ),
        ("video_batch_stats", {"id": "a", "statistics": {"viewCount": "30"}}, at[1]),
        ("video_batch_stats", {"id": "a", "statistics": {"viewCount": "20"}}, at[2]),
        ("most_popular_videos", {"id": "a", "snippet": {}}, at[0]),
        ("missing", "a", at[2]),
    ]

    def fold(order):
        states = {}
        for resource, item, when in order:
            if resource == "missing":
                apply_missing(states, item, when)
            else:
                apply_item(states, resource, item, when)
        return states["a"]

    forward, backward = fold(events), fold(events[::-1] + events)
    assert forward == backward
    assert (forward.last_captured_at, forward.last_view_count) == (at[1], 30)
    assert (forward.previous_captured_at, forward.previous_view_count) == (at[2], 20)
    assert forward.is_available and forward.availability_checked_at == at[0]
    assert forward.last_charted_at == at[0] and forward.metadata_captured_at == at[0]


def test_planning_100k_videos_takes_under_two_seconds() -> None:
    rng = random.Random(7)
    states = []
    for i in range(100_000):
        states.append(
            video(
                f"v{i:06}",
                age_hours=rng.uniform(1, 5000),
                stale_hours=rng.choice([None, rng.uniform(0, 200)]),
                views=(0, rng.randint(0, 100_000)),
                gap_hours=rng.uniform(0.5, 30),
                charted_hours_ago=rng.choice([None, None, None, rng.uniform(0, 48)]),
                available=rng.random() > 0.02,
            )
        )
    timings = []
    for _ in range(3):  # the best of three: a shared 2-core machine has its moments
        started = time.perf_counter()
        plan = plan_refresh(states, NOW, 10_000, 2_000, Policy())
        due = metadata_due(states, NOW, Policy())
        timings.append(time.perf_counter() - started)
    seconds = min(timings)
    print(
        f"planning 100,000 videos: {', '.join(f'{t:.3f}' for t in timings)}s, "
        f"{len(plan.rows)} rows, {len(due)} metadata"
    )
    assert seconds < 2.0
    assert plan.units <= plan.share_units
    assert plan_refresh(states, NOW, 10_000, 2_000, Policy()) == plan  # deterministic
