"""Benchmarks: `loopkeeper bench` and its --ingest, --dbt and --nights modes."""
