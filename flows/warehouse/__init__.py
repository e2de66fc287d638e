"""Warehouse plumbing: the DuckDB connection, landing schema, the dbt runner and publishing."""
