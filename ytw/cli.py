"""``ytw``: the command line of tubewarehouse (``ytw COMMAND``, or ``python -m ytw COMMAND``).

The argument parser and :func:`main`; what each command does is in ``ytw/commands.py``.
:func:`main` prepares the process environment (``flows.env.prepare``: no telemetry, Prefect's
home in the state folder...) before any command imports Prefect or dbt.

Exit codes: 0 success; 1 the run failed (extraction incomplete, a dbt test failed, reports
did not build); 2 configuration error (or bad command-line usage); 3 database unreachable (at
the start, or lost mid-run and not back); 130 interrupted.

Nothing ``ytw`` starts outlives it, even after a ``kill -9``: see ``flows/children.py``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from flows.env import prepare
from ytw import commands
from ytw.commands import EXIT_CONFIG, EXIT_DATABASE, EXIT_FAILED


def build_parser() -> argparse.ArgumentParser:
    from extract import retention

    parser = argparse.ArgumentParser(
        prog="ytw",
        description="tubewarehouse: YouTube channel and trending statistics, every hour.",
        epilog="Exit codes: 0 ok, 1 run failed (incomplete extract, failed dbt test, reports "
        "not built), 2 configuration or usage error, 3 database unreachable, 130 interrupted.",
    )
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    verbosity.add_argument("-q", "--quiet", action="store_true", help="warnings and errors only")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str, func: Callable[[argparse.Namespace], int], help: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        return p

    p = add("demo", commands.cmd_demo, "run the demo: emulator -> extract -> dbt -> reports, twice")
    p.add_argument("--runs", type=int, default=2, help="pipeline runs, an hour apart (default 2)")
    p.add_argument("--no-reports", action="store_true", help="skip building the Evidence site")
    p = add("run", commands.cmd_run, "run the pipeline once (extract, then dbt build)")
    _mode_option(p)
    p.add_argument("--full-refresh", action="store_true", help="rebuild incremental models")
    p.add_argument(
        "--keep-raw-days",
        type=float,
        default=retention.DEFAULT_KEEP_DAYS,
        help="a full run then compacts raw rows the marts consumed more than N days ago "
        f"(default {retention.DEFAULT_KEEP_DAYS:g}; -1: never). See `ytw retention`",
    )
    for name, help in (
        ("serve", "serve the hourly and daily Prefect deployments (a local server if none)"),
        ("ui", "start the local Prefect server and UI with the deployments served"),
    ):
        p = add(name, commands.cmd_serve, help)
        _schedule_options(p)
    p = add("extract", commands.cmd_extract, "run only the extraction into raw_youtube")
    _mode_option(p)
    p.add_argument(
        "--run-id", help="resume this run id (pages it already landed are not asked again)"
    )
    p = add("docs", commands.cmd_docs, "generate the dbt docs site and serve it (dbt docs serve)")
    p.add_argument("--port", type=int, default=8080, help="port to serve on (default 8080)")
    p.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1)")
    p.add_argument("--no-serve", action="store_true", help="only generate, into target/")
    p.add_argument(
        "--output", type=Path, help="write a self-contained static site into this folder"
    )
    p = add(
        "retention",
        commands.cmd_retention,
        "compact raw rows the marts have consumed (a full refresh still builds the same marts)",
    )
    retention.add_arguments(p)
    p = add("emulator", commands.cmd_emulator, "serve the local YouTube Data API emulator")
    p.add_argument("rest", nargs=argparse.REMAINDER, help="emulator options (--port, --seed...)")
    p = add("dbt", commands.cmd_dbt, "run dbt with the warehouse's profile, e.g. ytw dbt -- test")
    p.add_argument("rest", nargs=argparse.REMAINDER, help="dbt arguments")
    p = add("reports", commands.cmd_reports, "build the Evidence reports from the marts")
    p.add_argument("--serve", action="store_true", help="serve the built site afterwards")
    p.add_argument(
        "--force", action="store_true", help="render again even if data and pages are unchanged"
    )
    p.add_argument("--port", type=int, default=3000, help="port for --serve (default 3000)")
    p.add_argument("--host", default="127.0.0.1", help="address for --serve (default 127.0.0.1)")
    p = add("summary", commands.cmd_summary, "print the row count of every mart")
    add("env", commands.cmd_env, "print shell exports for the warehouse connection")
    p = add("db", commands.cmd_db, "start the embedded PostgreSQL and print its URL, or stop it")
    p.add_argument("action", choices=["start", "stop", "url"], nargs="?", default="url")
    return parser


def _mode_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--mode",
        choices=["full", "stats"],
        default="full",
        help="full: crawl every playlist (the daily run); stats: statistics and charts only "
        "(the hourly run). Default full",
    )


def _schedule_options(p: argparse.ArgumentParser) -> None:
    from flows.serve import DAILY_CRON, DAILY_TIMEZONE, HOURLY_CRON

    p.add_argument(
        "--hourly-cron",
        default=os.environ.get("TW_HOURLY_CRON", HOURLY_CRON),
        help=f"schedule of the statistics run (default $TW_HOURLY_CRON or '{HOURLY_CRON}')",
    )
    p.add_argument(
        "--daily-cron",
        default=os.environ.get("TW_DAILY_CRON", DAILY_CRON),
        help=f"schedule of the full crawl (default $TW_DAILY_CRON or '{DAILY_CRON}')",
    )
    p.add_argument(
        "--timezone",
        default=os.environ.get("TW_SCHEDULE_TIMEZONE", DAILY_TIMEZONE),
        help=f"time zone of both schedules (default $TW_SCHEDULE_TIMEZONE or {DAILY_TIMEZONE}, "
        "the API's quota day)",
    )
    p.add_argument(
        "--prefect-port",
        type=int,
        default=4200,
        help="port of the local Prefect server (started by `ui`, and by `serve` when "
        "PREFECT_API_URL is unset)",
    )


def main(argv: list[str] | None = None) -> int:
    prepare()
    args = build_parser().parse_args(argv)
    level = logging.DEBUG if args.verbose else logging.WARNING if args.quiet else logging.INFO
    if args.quiet or args.verbose:  # Prefect configures its own loggers when imported
        os.environ["PREFECT_LOGGING_LEVEL"] = logging.getLevelName(level)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # chatty libraries: pgserver about its handles, httpx about every Prefect API call
    for name in ("pgserver", "httpx"):
        logging.getLogger(name).setLevel(logging.WARNING if not args.verbose else logging.DEBUG)
    if sys.stderr.isatty() and not args.quiet and not args.verbose:
        from extract import progress  # a status line while pages land

        progress.use(progress.TerminalProgress())
    from extract.database import DatabaseError
    from extract.errors import ExtractError, redact
    from extract.settings import ConfigError

    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"ytw: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except DatabaseError as exc:
        print(f"ytw: database error: {exc}", file=sys.stderr)
        return EXIT_DATABASE
    except KeyboardInterrupt:
        return 130
    except (ExtractError, RuntimeError) as exc:
        if args.verbose:
            raise
        print(f"ytw: {args.command} failed: {redact(str(exc))}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:  # Prefect's FailedRun, a bug...: one line, the traceback on -v
        if args.verbose:
            raise
        print(
            f"ytw: {args.command} failed: {type(exc).__name__}: {redact(str(exc))} "
            "(run with -v for the traceback)",
            file=sys.stderr,
        )
        return EXIT_FAILED
