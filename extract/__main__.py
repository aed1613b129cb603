"""``python -m extract``: one extract run from environment settings (no Prefect, no dbt)."""

from __future__ import annotations

import argparse
import logging
import sys

from extract import database
from extract.database import DatabaseError
from extract.errors import ExtractError
from extract.run import run_extract
from extract.settings import ConfigError, Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m extract", description="Land the YouTube API's answers in raw_youtube."
    )
    parser.add_argument("--run-id", help="resume this run id instead of starting a new run")
    args = parser.parse_args(argv)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        result = run_extract(Settings.from_env(), database.resolve(), run_id=args.run_id)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except DatabaseError as exc:
        print(f"database error: {exc}", file=sys.stderr)
        return 3
    except ExtractError as exc:
        print(f"extract failed: {exc}", file=sys.stderr)
        return 1
    print(result.summary())
    for failure in result.failures:
        print(f"  failed: {failure}", file=sys.stderr)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
