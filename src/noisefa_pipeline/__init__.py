"""Pipeline plumbing that is not science: what `make pipeline` runs around Snakemake."""
