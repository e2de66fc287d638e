"""Warehouse plumbing: the DuckDB connection, landing schema and the dbt runner."""
