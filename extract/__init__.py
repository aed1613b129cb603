"""Extract: the YouTube Data API v3 -> PostgreSQL raw tables (``raw_youtube``).

Nothing here imports Prefect or dbt; ``flows`` orchestrates this package.
"""
