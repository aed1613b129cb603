"""``python -m extract``: one extract run from environment settings (no Prefect, no dbt).

Exit codes: 0 the run succeeded; 1 it failed or is incomplete (each failure is one line on
stderr); 2 configuration error; 3 database unreachable. No traceback unless ``-v``.
"""

from __future__ import annotations

import argparse
import logging
import sys

from extract import database
from extract.database import DatabaseError
from extract.errors import ExtractError, protect_logs, redact
from extract.run import MODES, run_extract
from extract.settings import ConfigError, Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m extract",
        description="Land the YouTube API's answers in raw_youtube.",
        epilog="Exit codes: 0 ok, 1 run failed or incomplete, 2 configuration error, "
        "3 database unreachable.",
    )
    parser.add_argument(
        "--run-id",
        help="resume this run id: pages it already landed are re-used, not asked for again",
    )
    parser.add_argument(
        "--mode",
        choices=sorted(MODES),
        default="full",
        help="full: the daily crawl of every playlist; stats: the hourly refresh of "
        "statistics and charts (default full)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logs, tracebacks")
    args = parser.parse_args(argv)
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.DEBUG if args.verbose else logging.INFO,
            format="%(asctime)s %(levelname)s %(message)s",
        )
    if not args.verbose:
        for name in ("googleapiclient", "pgserver"):  # chatty below WARNING
            logging.getLogger(name).setLevel(logging.WARNING)
    settings: Settings | None = None
    try:
        settings = Settings.from_env()
        protect_logs(settings.api_key)
        result = run_extract(settings, database.resolve(), run_id=args.run_id, mode=args.mode)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except DatabaseError as exc:
        print(f"database error: {exc}", file=sys.stderr)
        return 3
    except ExtractError as exc:
        print(f"extract failed: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        if args.verbose:
            raise
        secret = settings.api_key if settings else None
        print(
            f"extract failed: unexpected {type(exc).__name__}: {redact(str(exc), secret)} "
            "(run with -v for the traceback)",
            file=sys.stderr,
        )
        return 1
    print(result.summary())
    for failure in result.failures:
        print(f"  failed: {failure}", file=sys.stderr)
    for notice in result.notices:
        print(f"  skipped: {notice}", file=sys.stderr)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
