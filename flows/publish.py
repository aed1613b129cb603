"""Publishing the built sites (Evidence reports, dbt docs) into a folder a static web server
serves (the compose stack's nginx): each replaced in one rename, never half-written
(``flows/folders.py``)."""

from __future__ import annotations

import logging
from pathlib import Path

from extract.database import ConnectionInfo
from flows import docs, reports
from flows.folders import copy_site

log = logging.getLogger(__name__)


def publish(conn: ConnectionInfo, folder: Path) -> Path:
    """Build the Evidence reports and the dbt docs from ``conn`` into ``folder``/reports and
    ``folder``/docs."""
    folder.mkdir(parents=True, exist_ok=True)
    copy_site(reports.build(conn), folder / "reports")
    docs.publish(conn, folder / "docs")
    log.info("reports and dbt docs published in %s", folder)
    return folder
