"""The night's stages that are not flows of their own: validation, tagging (in process or on
Dask workers) and the run summary."""
