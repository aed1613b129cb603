"""Publishing the built sites (Evidence reports, dbt docs) into a folder a static web server
serves (the compose stack's nginx): each replaced in one rename, never half-written."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from extract.database import ConnectionInfo

log = logging.getLogger(__name__)


def replace_folder(staged: Path, folder: Path) -> None:
    """Put ``staged`` where ``folder`` is: a reader sees the old or the new site."""
    old = folder.with_name(f".{folder.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    staged.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def copy_site(site: Path, folder: Path) -> Path:
    """Copy the built ``site`` over ``folder``."""
    staged = folder.with_name(f".{folder.name}.new")
    shutil.rmtree(staged, ignore_errors=True)
    shutil.copytree(site, staged)
    replace_folder(staged, folder)
    return folder


def publish(conn: ConnectionInfo, folder: Path) -> Path:
    """Build the Evidence reports and the dbt docs from ``conn`` into ``folder``/reports and
    ``folder``/docs."""
    from flows import docs, reports

    folder.mkdir(parents=True, exist_ok=True)
    copy_site(reports.build(conn), folder / "reports")
    docs.publish(conn, folder / "docs")
    log.info("reports and dbt docs published in %s", folder)
    return folder
