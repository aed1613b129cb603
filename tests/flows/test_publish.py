"""Publishing for the compose stack's nginx: the reports site and a static dbt docs site land
in the published folder, each replacing the previous one in one rename, nothing left over."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.database import ConnectionInfo
from flows import publish, reports

pytestmark = pytest.mark.slow


def fake_site(folder: Path, text: str) -> Path:
    """A built reports site (the real Evidence build is tested in tests/reports)."""
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(text)
    (folder / "playlists").mkdir()
    (folder / "playlists" / "index.html").write_text(text)
    return folder


def test_publish_replaces_both_sites(
    built: ConnectionInfo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "site"
    sites = iter([fake_site(tmp_path / "b1", "first"), fake_site(tmp_path / "b2", "second")])
    monkeypatch.setattr(reports, "build", lambda conn: next(sites))

    publish.publish(built, out)
    (out / "reports" / "stale.html").write_text("from the first build")
    publish.publish(built, out)

    assert (out / "reports" / "index.html").read_text() == "second"
    assert not (out / "reports" / "stale.html").exists()  # replaced, not merged
    assert sorted(p.name for p in out.iterdir()) == ["docs", "reports"]  # no staging left
    manifest = json.loads((out / "docs" / "manifest.json").read_text())
    assert any(k.startswith("model.tubewarehouse.") for k in manifest["nodes"])
    assert '"nodes"' in (out / "docs" / "index.html").read_text()
    assert publish.last_seconds() is not None  # each publish's time is kept


def test_a_publish_too_slow_for_the_hour_leaves_it_to_the_daily_crawl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows import run_summary

    monkeypatch.setenv("TUBEWAREHOUSE_HOME", str(tmp_path))
    assert publish.skip_reason("stats") is None  # never published yet
    (tmp_path / publish.TIMING_FILE).write_text(json.dumps({"seconds": 120.0}))
    assert publish.skip_reason("stats") is None  # fits the hour
    (tmp_path / publish.TIMING_FILE).write_text(json.dumps({"seconds": 1500.0}))
    why = publish.skip_reason("stats")
    assert why is not None and "took 25 min" in why and "daily crawl republishes" in why
    assert publish.skip_reason("full") is None
    (tmp_path / publish.TIMING_FILE).write_text("not json")
    assert publish.skip_reason("stats") is None  # an unreadable record does not stop it

    extracted = {"status": "succeeded", "notices": []}
    summary = run_summary.summarize(
        "r1", "stats", extracted, None, [], 1.0, {"published": False, "skipped": why}
    )
    assert why in run_summary.markdown(summary)
    summary = run_summary.summarize(
        "r1", "full", extracted, None, [], 1.0, {"published": True, "seconds": 95.0}
    )
    assert "Reports and dbt docs published in 95 s." in run_summary.markdown(summary)
