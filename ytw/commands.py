"""What each ``ytw`` command does (``ytw/cli.py`` parses the command line and calls one).

Each command imports what it needs when it runs: ``ytw.cli.main`` has prepared the process
environment by then (``flows.env.prepare``), so Prefect and dbt, imported here or below,
read the project's settings.
"""

from __future__ import annotations

import argparse

EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_DATABASE = 0, 1, 2, 3


def cmd_emulator(args: argparse.Namespace) -> int:
    from emulator.__main__ import main

    return main(args.rest)


def cmd_extract(args: argparse.Namespace) -> int:
    from extract.__main__ import main

    argv = ["--mode", args.mode]
    argv += ["--run-id", args.run_id] if args.run_id else []
    return main([*argv, "-v"] if args.verbose else argv)


def cmd_run(args: argparse.Namespace) -> int:
    from extract import database
    from extract.settings import Settings

    # Check configuration and database first: one clear line instead of a failed flow run.
    Settings.from_env()
    database.resolve().connect().close()
    from flows import children

    children.use_local_prefect_server()  # a child of ours, not Prefect's: see flows/children.py
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


def cmd_retention(args: argparse.Namespace) -> int:
    from extract import retention

    return retention.run(args)


def cmd_serve(args: argparse.Namespace) -> int:
    from flows.serve import serve

    serve(
        hourly_cron=args.hourly_cron,
        daily_cron=args.daily_cron,
        timezone=args.timezone,
        prefect_port=args.prefect_port,
        local_server=args.command == "ui",
    )
    return EXIT_OK


def cmd_docs(args: argparse.Namespace) -> int:
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


def cmd_dbt(args: argparse.Namespace) -> int:
    from extract import database
    from flows import transform

    rest = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    summary = transform.invoke(rest or ["--help"], database.resolve())
    return EXIT_OK if summary.success else EXIT_FAILED


def cmd_reports(args: argparse.Namespace) -> int:
    from extract import database
    from flows import reports, site_server

    site = reports.build(database.resolve(), force=args.force)
    print(f"reports built in {site}")
    if args.serve:
        site_server.serve_forever(site, host=args.host, port=args.port)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from flows.demo import run_demo

    run_demo(runs=args.runs, build_reports=not args.no_reports)
    return EXIT_OK


def cmd_env(args: argparse.Namespace) -> int:
    import shlex

    from extract import database

    conn = database.resolve()
    for name, value in {"DATABASE_URL": conn.url, **conn.env()}.items():
        print(f"export {name}={shlex.quote(value)}")
    return EXIT_OK


def cmd_db(args: argparse.Namespace) -> int:
    from extract import database

    if args.action == "stop":
        stopped = database.stop_embedded()
        print("embedded PostgreSQL stopped" if stopped else "embedded PostgreSQL was not running")
        return EXIT_OK
    conn = database.resolve()
    print(conn.url)
    return EXIT_OK


def cmd_summary(args: argparse.Namespace) -> int:
    from extract import database
    from flows import transform

    summary = transform.invoke(["run-operation", "print_mart_row_counts"], database.resolve())
    return EXIT_OK if summary.success else EXIT_FAILED
