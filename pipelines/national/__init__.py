"""National scale (issue 10): many offices' data roots under one national root, their nightly jobs as
Dagster partitions run on a dask.distributed cluster, and national marts rolled up from what each
office published. layout.py (the folders), simulate.py (sample offices), engine.py (the cluster),
marts.py (map per office, reduce to province, region, country), run.py (a national night)."""
