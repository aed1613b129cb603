"""Rules the dbt project owns that raw retention must follow, read from the dbt project itself
so that each is written once:

- ``incremental_lookback()``: how far before their newest row the incremental models re-read
  (dbt var ``incremental_lookback_hours`` in ``dbt_project.yml``); retention keeps that much
  of what the marts consumed whole.
- ``latest_crawl_pages()``: the macro choosing each listing's latest complete crawl and the
  landing holding each of its pages' items (``latest_crawl_pages.sql`` in the project's
  macro path), rendered with plain Jinja: retention keeps those landings.

Only files are read (no dbt run, no database): ``dbt_project.yml`` with PyYAML and the
macro with Jinja2, both installed with dbt.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import jinja2
import yaml

from extract.settings import project_root

PROJECT_FILE = "dbt_project.yml"


class DbtProjectError(RuntimeError):
    """The dbt project does not say what retention needs (a file or a setting is missing)."""


def _project(root: Path | None = None) -> dict[str, Any]:
    path = (root or project_root()) / PROJECT_FILE
    try:
        project = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise DbtProjectError(f"cannot read the dbt project {path}: {exc}") from None
    if not isinstance(project, dict):
        raise DbtProjectError(f"{path} is not a dbt project (not a mapping)")
    return project


def incremental_lookback(root: Path | None = None) -> timedelta:
    """dbt var ``incremental_lookback_hours``, as a duration."""
    hours = (_project(root).get("vars") or {}).get("incremental_lookback_hours")
    if isinstance(hours, bool) or not isinstance(hours, int | float) or hours < 0:
        raise DbtProjectError(
            f"{PROJECT_FILE}: vars.incremental_lookback_hours must be a number of hours, "
            f"not {hours!r}"
        )
    return timedelta(hours=hours)


def macro(name: str, root: Path | None = None) -> Callable[..., Any]:
    """The macro ``name`` of the project (in ``<macro-path>/<name>.sql``), callable with its
    arguments. Rendered without dbt: the macro may use nothing but its arguments (an unknown
    name is an error, not an empty string)."""
    root = root or project_root()
    for folder in _project(root).get("macro-paths") or ["macros"]:
        path = root / folder / f"{name}.sql"
        if path.is_file():
            break
    else:
        raise DbtProjectError(f"no macro file {name}.sql in the dbt project's macro-paths")
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    found = getattr(env.from_string(path.read_text()).module, name, None)
    if found is None:
        raise DbtProjectError(f"{path} does not define the macro {name}")
    return found


def latest_crawl_pages(pages: str, group_column: str, root: Path | None = None) -> str:
    """The CTEs of the ``latest_crawl_pages`` macro over the relation ``pages``."""
    return str(macro("latest_crawl_pages", root)(pages, group_column))
