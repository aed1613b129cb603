"""Flows: orchestration only (Prefect). Extract, then ``dbt build``; no SQL lives here."""
