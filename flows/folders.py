"""Replacing a published folder (a built site) in one rename: a web server serving it shows
the old site or the new one, never half of each. Used by ``flows/publish.py`` (the reports)
and ``flows/docs.py`` (the dbt docs)."""

from __future__ import annotations

import shutil
from pathlib import Path


def _staged(folder: Path) -> Path:
    staged = folder.with_name(f".{folder.name}.new")
    shutil.rmtree(staged, ignore_errors=True)  # what an interrupted publish left
    return staged


def staging(folder: Path) -> Path:
    """An empty folder beside ``folder`` to write its next version into."""
    staged = _staged(folder)
    staged.mkdir(parents=True)
    return staged


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
    staged = _staged(folder)
    shutil.copytree(site, staged)
    replace_folder(staged, folder)
    return folder
