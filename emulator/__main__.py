"""Run the emulator: ``python -m emulator --port 8765`` (also ``ytw emulator``).

Prints one line with the URL, the tracked channel ids (ready for ``YOUTUBE_CHANNEL_IDS``) and the
region codes, then serves until Ctrl-C or SIGTERM. ``--faults rules.json`` and ``--daily-quota N``
start it with a fault plan and a daily quota (both can be changed later over the admin routes);
``--stats-daily-quota N`` and ``--search-daily-quota N`` set the ``stats`` and ``search`` quota
buckets' limits, ``--no-batch-stats`` serves no ``videos.batchGetStats``, ``--search`` serves
``search.list``. ``--videos N`` serves a large world of N videos (``WorldSpec.large``).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

from emulator.clock import Clock, utc_second
from emulator.faults import Fault, parse_rules
from emulator.quota import DEFAULT_LIMITS, STATS_BUCKET
from emulator.server import EmulatorServer
from emulator.spec import WorldSpec
from emulator.world import World


def _instant(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--start {text!r} is not an ISO-8601 instant (e.g. 2026-11-01T00:00:00Z)"
        ) from None


def _fault_file(text: str) -> list[Fault]:
    try:
        return parse_rules(json.loads(Path(text).read_text(encoding="utf-8")))
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot read {text}: {exc.strerror or exc}") from None
    except ValueError as exc:  # also json.JSONDecodeError
        raise argparse.ArgumentTypeError(f"{text}: {exc}") from None


def _units(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= 0")
    return value


def _videos(text: str) -> int:
    value = _units(text)
    if value < 100:
        raise argparse.ArgumentTypeError(f"--videos {text!r}: a large world has at least 100")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m emulator",
        description="Serve a synthetic YouTube Data API v3 on a local port.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (default %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=8765, help="port, 0 = any free (default %(default)s)"
    )
    parser.add_argument("--seed", type=int, default=42, help="world seed (default %(default)s)")
    parser.add_argument(
        "--start",
        type=_instant,
        help="emulated start time, ISO-8601 (default: now, or the world's as_of if later)",
    )
    parser.add_argument(
        "--frozen", action="store_true", help="stop the clock (move it via POST /emulator/clock)"
    )
    parser.add_argument(
        "--api-key", help="accept only this key (default: any non-empty key is accepted)"
    )
    parser.add_argument("--small", action="store_true", help="the small test world")
    parser.add_argument(
        "--faults",
        type=_fault_file,
        default=[],
        metavar="FILE.json",
        help="fault rules to start with: a JSON list of rule objects (see the README)",
    )
    parser.add_argument(
        "--daily-quota",
        type=_units,
        metavar="N",
        help="units per Pacific-time day, then 403 quotaExceeded (default: unlimited)",
    )
    parser.add_argument(
        "--stats-daily-quota",
        type=_units,
        default=DEFAULT_LIMITS[STATS_BUCKET],
        metavar="N",
        help="units per Pacific-time day of videos.batchGetStats' own bucket (default %(default)s)",
    )
    parser.add_argument(
        "--search-daily-quota",
        type=_units,
        metavar="N",
        help="units per Pacific-time day of search.list's own bucket (default: unlimited)",
    )
    parser.add_argument(
        "--no-batch-stats",
        dest="batch_stats",
        action="store_false",
        help="a project without videos.batchGetStats: its path answers 404 notFound",
    )
    parser.add_argument(
        "--search", action="store_true", help="also serve search.list (100 units a call)"
    )
    parser.add_argument(
        "--videos",
        type=_videos,
        metavar="N",
        help="a large world of N videos (WorldSpec.large, e.g. 100000) whose uploads run up to "
        "the clock's start (--start, default now, to the hour)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.small and args.videos:
        print("error: --small and --videos exclude each other", file=sys.stderr)
        return 2
    if args.videos:
        # the large world ends at the clock's start, so a run always finds fresh uploads
        start = utc_second(args.start or datetime.now(UTC)).replace(minute=0, second=0)
        world = World.generate(WorldSpec.large(videos=args.videos, seed=args.seed, as_of=start))
    elif args.small:
        world = World.small(seed=args.seed)
    else:
        world = World.generate(seed=args.seed)
    clock = Clock(args.start, frozen=args.frozen, not_before=world.as_of)
    try:
        server = EmulatorServer(
            world,
            clock,
            host=args.host,
            port=args.port,
            api_key=args.api_key,
            faults=args.faults,
            daily_quota=args.daily_quota,
            stats_daily_quota=args.stats_daily_quota,
            search_daily_quota=args.search_daily_quota,
            batch_stats=args.batch_stats,
            search=args.search,
        )
        server.start()
    except OSError as exc:
        print(
            f"error: cannot listen on {args.host}:{args.port} ({exc.strerror or exc}); "
            "pick another --port (0 = any free port)",
            file=sys.stderr,
        )
        return 1

    stop = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    now = clock.now().isoformat().replace("+00:00", "Z")
    print(
        f"YouTube API emulator at {server.url} "
        f"channels={','.join(world.tracked_channel_ids)} "
        f"regions={','.join(world.region_codes)} "
        f"clock={now}{' (frozen)' if args.frozen else ''}"
        + (f" daily_quota={args.daily_quota}" if args.daily_quota is not None else "")
        + (f" faults={len(args.faults)}" if args.faults else "")
        + (f" videos={len(world.videos)}" if args.videos else ""),
        flush=True,
    )
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0


if __name__ == "__main__":
    sys.exit(main())
