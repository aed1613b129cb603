"""``ytw``: the command line of tubewarehouse.

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

EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_DATABASE = 0, 1, 2, 3


def _cmd_emulator(args: argparse.Namespace) -> int:
    from emulator.__main__ import main

    return main(args.rest)


def _cmd_extract(args: argparse.Namespace) -> int:
    from extract.__main__ import main

    argv = ["--mode", args.mode]
    argv += ["--run-id", args.run_id] if args.run_id else []
    return main([*argv, "-v"] if args.verbose else argv)


def _cmd_run(args: argparse.Namespace) -> int:
    from extract import database
    from extract.settings import Settings

    # Check configuration and database first: one clear line instead of a failed flow run.
    Settings.from_env()
    database.resolve().connect().close()
    from flows import children

    children.use_local_prefect_server()  # a child of ours, not Prefect's: see flows/children
    from flows.pipeline import pipeline

    keep = None if args.keep_raw_days < 0 else args.keep_raw_days
    result = pipeline(mode=args.mode, full_refresh=args.full_refresh, retention_days=keep)
    summary = result["summary"]
    ext, dbt = summary["extract"], summary["dbt"]["counts"]
    print(
        f"run {summary['run_id']} succeeded in {summary['seconds']:.0f}s: "
        f"{sum((ext['rows_landed'] or {}).values()):,} raw rows, {ext['units_spent']:,} quota "
        f"units, dbt {dbt['pass']} pass / {dbt['warn']} warn / {dbt['error']} error"
    )
    return EXIT_OK


def _cmd_retention(args: argparse.Namespace) -> int:
    from extract import retention

    return retention.run(args)


def _cmd_serve(args: argparse.Namespace) -> int:
    from flows.serve import serve

    serve(
        hourly_cron=args.hourly_cron,
        daily_cron=args.daily_cron,
        timezone=args.timezone,
        prefect_port=args.prefect_port,
        local_server=args.command == "ui",
    )
    return EXIT_OK


def _cmd_docs(args: argparse.Namespace) -> int:
    from extract import database
    from flows import docs

    conn = database.resolve()
    if args.output:
        print(f"dbt docs written to {docs.publish(conn, args.output)}")
        return EXIT_OK
    docs.generate(conn)
    if not args.no_serve:
        docs.serve(conn, host=args.host, port=args.port)
    return EXIT_OK


def _cmd_dbt(args: argparse.Namespace) -> int:
    from extract import database
    from flows import transform

    rest = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    summary = transform.invoke(rest or ["--help"], database.resolve())
    return EXIT_OK if summary.success else EXIT_FAILED


def _cmd_reports(args: argparse.Namespace) -> int:
    from extract import database
    from flows import reports

    site = reports.build(database.resolve(), force=args.force)
    print(f"reports built in {site}")
    if args.serve:
        reports.serve_forever(site, host=args.host, port=args.port)
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from flows.demo import run_demo

    run_demo(runs=args.runs, build_reports=not args.no_reports)
    return EXIT_OK


def _cmd_env(args: argparse.Namespace) -> int:
    import shlex

    from extract import database

    conn = database.resolve()
    for name, value in {"DATABASE_URL": conn.url, **conn.env()}.items():
        print(f"export {name}={shlex.quote(value)}")
    return EXIT_OK


def _cmd_db(args: argparse.Namespace) -> int:
    from extract import database

    if args.action == "stop":
        stopped = database.stop_embedded()
        print("embedded PostgreSQL stopped" if stopped else "embedded PostgreSQL was not running")
        return EXIT_OK
    conn = database.resolve()
    print(conn.url)
    return EXIT_OK


def _cmd_summary(args: argparse.Namespace) -> int:
    from extract import database
    from flows import transform

    summary = transform.invoke(["run-operation", "print_mart_row_counts"], database.resolve())
    return EXIT_OK if summary.success else EXIT_FAILED


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

    p = add("demo", _cmd_demo, "run the demo: emulator -> extract -> dbt -> reports, twice")
    p.add_argument("--runs", type=int, default=2, help="pipeline runs, an hour apart (default 2)")
    p.add_argument("--no-reports", action="store_true", help="skip building the Evidence site")
    p = add("run", _cmd_run, "run the pipeline once (extract, then dbt build)")
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
        p = add(name, _cmd_serve, help)
        _schedule_options(p)
    p = add("extract", _cmd_extract, "run only the extraction into raw_youtube")
    _mode_option(p)
    p.add_argument(
        "--run-id", help="resume this run id (pages it already landed are not asked again)"
    )
    p = add("docs", _cmd_docs, "generate the dbt docs site and serve it (dbt docs serve)")
    p.add_argument("--port", type=int, default=8080, help="port to serve on (default 8080)")
    p.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1)")
    p.add_argument("--no-serve", action="store_true", help="only generate, into target/")
    p.add_argument(
        "--output", type=Path, help="write a self-contained static site into this folder"
    )
    p = add(
        "retention",
        _cmd_retention,
        "compact raw rows the marts have consumed (a full refresh still builds the same marts)",
    )
    retention.add_arguments(p)
    p = add("emulator", _cmd_emulator, "serve the local YouTube Data API emulator")
    p.add_argument("rest", nargs=argparse.REMAINDER, help="emulator options (--port, --seed...)")
    p = add("dbt", _cmd_dbt, "run dbt with the warehouse's profile, e.g. ytw dbt -- test")
    p.add_argument("rest", nargs=argparse.REMAINDER, help="dbt arguments")
    p = add("reports", _cmd_reports, "build the Evidence reports from the marts")
    p.add_argument("--serve", action="store_true", help="serve the built site afterwards")
    p.add_argument(
        "--force", action="store_true", help="render again even if data and pages are unchanged"
    )
    p.add_argument("--port", type=int, default=3000, help="port for --serve (default 3000)")
    p.add_argument("--host", default="127.0.0.1", help="address for --serve (default 127.0.0.1)")
    p = add("summary", _cmd_summary, "print the row count of every mart")
    add("env", _cmd_env, "print shell exports for the warehouse connection")
    p = add("db", _cmd_db, "start the embedded PostgreSQL and print its URL, or stop it")
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


if __name__ == "__main__":
    sys.exit(main())
