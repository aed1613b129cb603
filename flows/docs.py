"""The dbt docs site: every model, column, source and exposure, and the lineage from the raw
tables through staging and marts to the Evidence pages.

``generate`` runs ``dbt docs generate`` against the warehouse (the catalog needs the built
relations: run the pipeline first); ``serve`` is ``dbt docs serve``; ``publish`` writes a
self-contained static copy (``index.html`` with manifest and catalog inlined, plus the JSON
files) into a folder a web server can serve, such as the compose stack's nginx.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from extract.database import ConnectionInfo
from extract.settings import project_root
from flows import transform
from flows.folders import replace_folder, staging

log = logging.getLogger(__name__)


class DocsError(RuntimeError):
    """The docs could not be generated or served."""


def target_dir() -> Path:
    return project_root() / "target"


def generate(conn: ConnectionInfo, target: Path | None = None, static: bool = False) -> Path:
    """``dbt docs generate`` into ``target`` (default ``target/``); returns that folder."""
    target = target or target_dir()
    args = ["docs", "generate", "--target-path", str(target)]
    if static:
        args.append("--static")
    summary = transform.invoke(args, conn)
    if not summary.success:
        raise DocsError(
            "dbt docs generate failed (see dbt's output above); `ytw dbt -- debug` checks the "
            "connection"
        )
    for name in ("index.html", "manifest.json", "catalog.json"):
        if not (target / name).is_file():
            raise DocsError(f"dbt docs generate wrote no {name} in {target}")
    return target


def publish(conn: ConnectionInfo, folder: Path) -> Path:
    """Generate the docs and replace ``folder`` with a static copy, in one rename."""
    with tempfile.TemporaryDirectory(prefix="dbt-docs-") as tmp:
        target = generate(conn, Path(tmp) / "target", static=True)
        staged = staging(folder)
        shutil.copy2(target / "static_index.html", staged / "index.html")
        for name in ("manifest.json", "catalog.json"):
            shutil.copy2(target / name, staged / name)
        replace_folder(staged, folder)
    log.info("dbt docs published in %s", folder)
    return folder


def serve(conn: ConnectionInfo, host: str = "127.0.0.1", port: int = 8080) -> None:
    """``dbt docs serve`` on ``host:port`` until interrupted (the docs must be generated)."""
    print(f"dbt docs: http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    summary = transform.invoke(
        [
            "docs",
            "serve",
            "--host",
            host,
            "--port",
            str(port),
            "--no-browser",
            "--target-path",
            str(target_dir()),
        ],
        conn,
    )
    if not summary.success:
        raise DocsError(f"dbt docs serve could not serve on {host}:{port}: is the port taken?")
